// The public fields of an event that an edit may change, as one object: what a diff carries to
// viewers after an edit, and what the HTTP API answers a PATCH with.
import type { EventHeader } from '../domain/types';
import type { EventInfo, LiveInfoView } from './event-service';

/** The public, editable fields of `definition` with the event's status now. */
export function eventInfo(definition: EventHeader, status: LiveInfoView['status']): EventInfo {
  return {
    name: definition.name,
    startsAt: definition.startsAt,
    status,
    salesOpenAt: definition.salesOpenAt ?? null,
    salesCloseAt: definition.salesCloseAt ?? null,
    holdTtlSeconds: definition.holdTtlSeconds,
    maxSeatsPerUser: definition.maxSeatsPerUser,
    categories: definition.categories.map((c) => ({ id: c.id, name: c.name, price: c.price })),
  };
}
