// Event definitions for the HTTP API: each is read once and its seat map rendered, compressed and
// tagged once (src/gateway/map-representations.ts), until the event is edited. An edit on this node
// drops the entry at once; one on another node is noticed by the event's revision, read again at most
// once every REVALIDATE_MS.
import type { EventDefinition } from '../domain/types';
import type { EventStore } from '../store/event-store';
import { HttpError } from './http';
import { MapRepresentations } from './map-representations';
import { compactMapUrl } from '../../protocol/sdk/map-loader';
import type { EventPageHints } from './static-pages';

/** How stale a definition edited on another node may be seen here: one small read per event per second. */
const REVALIDATE_MS = 1000;

/** Definitions and rendered maps, kept until the event's revision moves. */
export class DefinitionCache {
  private readonly definitions = new Map<string, Promise<EventDefinition | null>>();
  private readonly maps = new Map<string, MapRepresentations>();
  private readonly revisions = new Map<string, { revision: number | null; checkedAt: number }>();

  /** Reads definitions from `store`. */
  constructor(private readonly store: EventStore) {}

  /** Forgets an event's definition and map (it was just edited). */
  invalidate(eventId: string): void {
    this.definitions.delete(eventId);
    this.maps.delete(eventId);
    this.revisions.delete(eventId);
  }

  /** Drops the cached entries of an event whose revision moved since it was last looked at. */
  private async revalidate(eventId: string): Promise<void> {
    const seen = this.revisions.get(eventId);
    const now = Date.now();
    if (seen && now - seen.checkedAt < REVALIDATE_MS) return;
    this.revisions.set(eventId, { revision: seen?.revision ?? null, checkedAt: now });
    const revision = await this.store.getRevision(eventId);
    if (seen && seen.revision !== revision) {
      this.definitions.delete(eventId);
      this.maps.delete(eventId);
    }
    this.revisions.set(eventId, { revision, checkedAt: now });
  }

  /** The event's definition; not_found if there is no such event. */
  async get(eventId: string): Promise<EventDefinition> {
    if (this.definitions.has(eventId)) await this.revalidate(eventId);
    // The revision before the read: an edit in between leaves a newer definition under an older
    // revision, which the next revalidation drops (never the other way round).
    else this.revisions.set(eventId, { revision: await this.store.getRevision(eventId), checkedAt: Date.now() });
    let pending = this.definitions.get(eventId);
    if (!pending) {
      pending = this.store.getDefinition(eventId);
      this.definitions.set(eventId, pending);
      // Misses and failures are not cached: the event may be created a moment later.
      pending.then(
        (d) => d ?? this.definitions.delete(eventId),
        () => this.definitions.delete(eventId),
      );
    }
    const definition = await pending;
    if (!definition) throw new HttpError('not_found', `event ${eventId} does not exist`);
    return definition;
  }

  /** The served map of the event (both forms, every coding), made once per definition. */
  async map(eventId: string): Promise<MapRepresentations> {
    if (this.maps.has(eventId)) await this.revalidate(eventId);
    const cached = this.maps.get(eventId);
    if (cached) return cached;
    const map = MapRepresentations.of(await this.get(eventId));
    this.maps.set(eventId, map);
    return map;
  }

  /**
   * What the event's page is served with: the URL of its compact map of this layout version (cacheable
   * for a year) to preload, and its waiting room's mode; null when there is no such event or it is a
   * draft (a draft's page shows nothing of it).
   */
  async pageHints(eventId: string): Promise<EventPageHints | null> {
    try {
      const definition = await this.get(eventId);
      if (definition.draft === true) return null;
      return { mapUrl: compactMapUrl(eventId, (await this.map(eventId)).version), queue: definition.queue?.mode ?? 'off' };
    } catch (error) {
      if (error instanceof HttpError && error.code === 'not_found') return null;
      throw error;
    }
  }
}
