-- 005_compact_layout: events gain `layout`, their seats in a compact binary form (src/store/layout-column.ts:
-- zlib-deflated columns of src/domain/seat-table.ts, ~0.3 MB for 100,000 seats against ~10 MB of seats
-- in the definition's JSON). Activation reads it instead of parsing the definition's seats. The
-- definition keeps its seats (the map and the HTTP API read them); `layout` is a derived copy.
-- Events created before have no layout yet (NULL): the first activation builds it from the
-- definition and stores it, so existing data keeps working without a rewrite here.
ALTER TABLE events ADD COLUMN layout bytea;
