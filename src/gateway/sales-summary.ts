// The sales summary of an event per category and price tier (`GET /api/events/:id/summary`): folded over the same
// paged read as the CSV, so it costs constant memory whatever the event's size.
import type { CategorySummary, SalesSummary, TierSummary } from '../../protocol';
import type { EventDefinition } from '../domain/types';
import type { ExportLine } from '../store/order-export';

export type { CategorySummary, SalesSummary, TierSummary };

/** The category's entry for `tier`, added on first use. */
function tierOf(category: CategorySummary, tier: string | null): TierSummary {
  let entry = category.tiers.find((t) => t.tier === tier);
  if (entry === undefined) {
    entry = { tier, sold: 0, cancelled: 0, revenue: 0 };
    category.tiers.push(entry);
  }
  return entry;
}

/** Reads every line once and adds it up per category and tier. */
export async function salesSummary(definition: EventDefinition, pages: AsyncIterable<ExportLine[]>): Promise<SalesSummary> {
  const byCategory = new Map<string, CategorySummary>(
    definition.categories.map((c) => [c.id, { category: c.id, name: c.name, price: c.price, sold: 0, cancelled: 0, revenue: 0, tiers: [] }]),
  );
  const seatCategory = new Map(definition.seats.map((s) => [s.id, s.category]));
  const areaCategory = new Map(definition.areas.map((a) => [a.id, a.category]));
  const summary: SalesSummary = { eventId: definition.id, orders: 0, cancelledOrders: 0, tickets: 0, revenue: 0, fees: 0, categories: [] };
  let lastOrder = '';
  for await (const page of pages) {
    for (const line of page) {
      if (line.orderId !== lastOrder) {
        lastOrder = line.orderId;
        if (line.status === 'confirmed') {
          summary.orders += 1;
          summary.revenue += line.orderTotal;
        } else {
          summary.cancelledOrders += 1;
        }
      }
      const id = line.seatId !== null ? seatCategory.get(line.seatId) : line.areaId !== null ? areaCategory.get(line.areaId) : undefined;
      const category = id === undefined ? undefined : byCategory.get(id);
      if (!category) continue;
      const tier = tierOf(category, line.paid?.tier ?? null);
      // Orders record what each ticket cost; older ones were bought at their category's price (which
      // cannot change once the category has sold).
      const price = line.paid?.price ?? category.price;
      if (line.status === 'confirmed') {
        category.sold += 1;
        category.revenue += price;
        tier.sold += 1;
        tier.revenue += price;
        summary.fees += line.paid?.fee ?? 0;
        summary.tickets += 1;
      } else {
        category.cancelled += 1;
        tier.cancelled += 1;
      }
    }
  }
  summary.categories = [...byCategory.values()];
  return summary;
}
