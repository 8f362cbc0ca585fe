-- Price tiers and fees: how each order's total was made up, as the server computed it at purchase
-- (src/domain/pricing.ts): {items: [{seatId | areaId, count, category, tier, price, fee}], fees, total,
-- currency?}. Kept with the order so exports, summaries, tickets and webhooks show the tier and price
-- paid even if a category's prices change later (possible again once its orders are cancelled).
-- NULL for orders stored before this migration: they were bought at their categories' prices, no fee.
ALTER TABLE orders ADD COLUMN pricing jsonb;
