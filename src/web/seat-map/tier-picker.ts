// The price tier the buyer picks per seat and standing place before buying (adult, child, concession, …)
// where a category offers tiers, and the total the server will charge for the hold with those picks.
// The total is the domain's own pricing (src/domain/pricing.ts: tier or category price plus the event's
// fee per ticket, tier limits per order) run on the map's categories, so the estimate and the charge
// follow one set of rules; the server computes the real total and the order reply shows it.
import type { Hold } from '../../../protocol/sdk/hold-book';
import { priceOrder } from '../../domain/pricing';
import type { PricingLayout } from '../../domain/pricing';
import type { Category, TierChoice } from '../../domain/types';
import { h, money } from '../common/dom';
import type { VenueMap } from '../common/venue-map';

/** The estimate for a hold: its total and fees, or why the server would refuse the picks. */
export type Estimate = { total: number; fees: number } | { problem: string };

/** The event's pricing beyond the map (from `GET /api/events/:id`). */
export interface EventPricing {
  feePerTicket: number;
  currency: string | null;
}

/** See the file comment. */
export class TierPicker {
  /** seatId → tier id (absent: the category's price). */
  private readonly seats = new Map<string, string>();
  /** areaId → tier id → places. */
  private readonly areas = new Map<string, Map<string, number>>();
  private readonly layout: PricingLayout;

  constructor(
    private readonly map: VenueMap,
    pricing: EventPricing,
    /** Called when a pick changes (the total is shown again). */
    private readonly onChange: () => void,
  ) {
    const { categories, areas } = map.body;
    const categoryIndex = new Map(categories.map((c, i) => [c.id, i]));
    const areaIndex = new Map(areas.map((a, i) => [a.id, i]));
    this.layout = {
      definition: { categories: categories as Category[], areas, feePerTicket: pricing.feePerTicket, ...(pricing.currency && { currency: pricing.currency }) },
      seatCategory: map.category,
      seatId: (index) => map.seat(index).id,
      categoryIndex: (id) => categoryIndex.get(id) ?? -1,
      areaIndex: (id) => areaIndex.get(id) ?? -1,
    };
  }

  /** A tier select for a held seat, or null when its category offers no tiers. */
  seatControl(seatId: string, label: string): HTMLElement | null {
    const index = this.map.indexOf(seatId);
    const category = index >= 0 ? this.map.body.categories[this.map.category[index]] : undefined;
    if (!category?.tiers?.length) return null;
    const select = h('select', { 'aria-label': `Price for ${label}`, 'data-tier-seat': seatId },
      h('option', { value: '' }, `${category.name} · ${money(category.price)}`),
      ...category.tiers.map((tier) => h('option', { value: tier.id }, `${tier.name} · ${money(tier.price)}`)),
    ) as HTMLSelectElement;
    select.value = this.seats.get(seatId) ?? '';
    select.addEventListener('change', () => {
      if (select.value) this.seats.set(seatId, select.value);
      else this.seats.delete(seatId);
      this.onChange();
    });
    return select;
  }

  /** Per tier, how many of a held area's `count` places are at that tier (the rest: the category's price); null without tiers. */
  areaControls(areaId: string, areaName: string, count: number): HTMLElement | null {
    const area = this.map.body.areas.find((a) => a.id === areaId);
    const category = this.map.body.categories.find((c) => c.id === area?.category);
    if (!category?.tiers?.length) return null;
    const picks = this.areas.get(areaId) ?? new Map<string, number>();
    this.areas.set(areaId, picks);
    return h('span', { class: 'tier-counts' }, ...category.tiers.map((tier) => {
      const input = h('input', { type: 'number', min: '0', max: String(count), value: String(picks.get(tier.id) ?? 0), 'data-tier-area': areaId, 'data-tier': tier.id }) as HTMLInputElement;
      input.addEventListener('input', () => {
        const places = Math.max(0, Math.floor(Number(input.value) || 0));
        if (places > 0) picks.set(tier.id, places);
        else picks.delete(tier.id);
        this.onChange();
      });
      return h('label', {}, `${tier.name} (${money(tier.price)}) in ${areaName} `, input);
    }));
  }

  /** The picks for `buy`, of what `hold` holds only (undefined: none, every ticket at its category's price). */
  choice(hold: Hold): TierChoice | undefined {
    const seats: Record<string, string> = {};
    for (const seatId of hold.seats) {
      const tier = this.seats.get(seatId);
      if (tier !== undefined) seats[seatId] = tier;
    }
    const areas: Record<string, Record<string, number>> = {};
    for (const areaId of Object.keys(hold.areas)) {
      const picks = this.areas.get(areaId);
      if (picks && picks.size > 0) areas[areaId] = Object.fromEntries(picks);
    }
    const choice: TierChoice = {};
    if (Object.keys(seats).length > 0) choice.seats = seats;
    if (Object.keys(areas).length > 0) choice.areas = areas;
    return choice.seats || choice.areas ? choice : undefined;
  }

  /** What the server will charge for `hold` with the picks, by its own rules. */
  estimate(hold: Hold): Estimate {
    const seats: number[] = [];
    for (const seatId of hold.seats) {
      const index = this.map.indexOf(seatId);
      if (index >= 0) seats.push(index);
    }
    const priced = priceOrder(this.layout, { seats, areas: new Map(Object.entries(hold.areas)) }, this.choice(hold));
    return 'code' in priced ? { problem: priced.message } : { total: priced.total, fees: priced.fees };
  }

  /** Forgets the picks (after buying). */
  clear(): void {
    this.seats.clear();
    this.areas.clear();
  }
}
