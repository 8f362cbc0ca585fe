// Pricing an order: each seat or standing place costs its category's price, or the price of the tier the
// buyer named for it (adult, child, concession, …), plus the event's per-ticket fee. The server alone
// computes the total; a tier that does not exist, or more tickets of a tier than its per-order limit,
// refuses the purchase (docs/protocol.md, "Price tiers and fees").
import type { AreaDefinition, Category, OrderPricing, PricedItem, TierChoice } from './types';
import type { Rejection } from './commands';

export type { OrderPricing, PricedItem, TierChoice };

/** What a hold holds, by seat index and area id. */
export interface HeldGoods {
  seats: readonly number[];
  areas: ReadonlyMap<string, number>;
}

/**
 * What pricing reads of an event: the actor's EventLayout, or the seat-map page's view of the map
 * (which shows the buyer the same total as an estimate before buying).
 */
export interface PricingLayout {
  readonly definition: { categories: Category[]; areas: readonly Pick<AreaDefinition, 'id' | 'category'>[]; feePerTicket?: number; currency?: string };
  /** Category index per seat index. */
  readonly seatCategory: ArrayLike<number>;
  seatId(index: number): string;
  categoryIndex(id: string): number;
  areaIndex(id: string): number;
}

/** Prices `goods` with `choice`; a rejection names the tier or seat at fault and nothing is bought. */
export function priceOrder(layout: PricingLayout, goods: HeldGoods, choice: TierChoice | undefined): OrderPricing | Rejection {
  const { categories, feePerTicket = 0, currency } = layout.definition;
  const items: PricedItem[] = [];
  const perTier = new Map<string, number>();
  const seatTiers = choice?.seats ?? {};
  const heldSeatIds = new Set<string>();
  for (const seat of goods.seats) {
    const seatId = layout.seatId(seat);
    heldSeatIds.add(seatId);
    const category = categories[layout.seatCategory[seat]];
    const tierId = Object.hasOwn(seatTiers, seatId) ? seatTiers[seatId] : null;
    const priced = tierPrice(category, tierId, `seat '${seatId}'`);
    if (typeof priced !== 'number') return priced;
    items.push({ seatId, count: 1, category: category.id, tier: tierId, price: priced, fee: feePerTicket });
    if (tierId !== null) countTier(perTier, category.id, tierId, 1);
  }
  for (const seatId of Object.keys(seatTiers)) {
    if (!heldSeatIds.has(seatId)) return { code: 'bad_request', message: `tiers.seats: seat '${seatId}' is not in this hold` };
  }
  const areaTiers = choice?.areas ?? {};
  for (const areaId of Object.keys(areaTiers)) {
    if (!goods.areas.has(areaId)) return { code: 'bad_request', message: `tiers.areas: area '${areaId}' is not in this hold` };
  }
  for (const [areaId, places] of goods.areas) {
    const category = categories[layout.categoryIndex(layout.definition.areas[layout.areaIndex(areaId)].category)];
    let rest = places;
    for (const [tierId, count] of Object.entries(areaTiers[areaId] ?? {})) {
      const priced = tierPrice(category, tierId, `area '${areaId}'`);
      if (typeof priced !== 'number') return priced;
      if (count > rest) {
        return { code: 'bad_request', message: `tiers.areas.${areaId}: more places named (${places - rest + count}) than held (${places})` };
      }
      rest -= count;
      items.push({ areaId, count, category: category.id, tier: tierId, price: priced, fee: feePerTicket });
      countTier(perTier, category.id, tierId, count);
    }
    if (rest > 0) items.push({ areaId, count: rest, category: category.id, tier: null, price: category.price, fee: feePerTicket });
  }
  const overLimit = tierLimitRejection(categories, perTier);
  if (overLimit) return overLimit;
  let total = 0;
  let fees = 0;
  for (const item of items) {
    total += (item.price + item.fee) * item.count;
    fees += item.fee * item.count;
  }
  const pricing: OrderPricing = { items, fees, total };
  if (currency !== undefined) pricing.currency = currency;
  return pricing;
}

/** The price of a tier of `category`, or the category's own with no tier named. */
function tierPrice(category: Category, tierId: string | null, what: string): number | Rejection {
  if (tierId === null) return category.price;
  const tier = category.tiers?.find((t) => t.id === tierId);
  if (tier === undefined) {
    const offered = category.tiers?.map((t) => t.id).join(', ') || 'none';
    return { code: 'not_found', message: `${what}: category '${category.id}' has no tier '${tierId}' (tiers: ${offered})` };
  }
  return tier.price;
}

function countTier(perTier: Map<string, number>, categoryId: string, tierId: string, count: number): void {
  const key = `${categoryId}\0${tierId}`;
  perTier.set(key, (perTier.get(key) ?? 0) + count);
}

function tierLimitRejection(categories: Category[], perTier: Map<string, number>): Rejection | null {
  for (const category of categories) {
    for (const tier of category.tiers ?? []) {
      const count = perTier.get(`${category.id}\0${tier.id}`) ?? 0;
      if (tier.maxPerOrder !== undefined && count > tier.maxPerOrder) {
        return {
          code: 'limit_exceeded',
          message: `at most ${tier.maxPerOrder} '${tier.id}' tickets of category '${category.id}' per order (${count} named)`,
        };
      }
    }
  }
  return null;
}
