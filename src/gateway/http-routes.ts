// What every HTTP route module is given (the routes' dependencies, registration, the caller's identity,
// the definition cache) and the small pieces they share: JSON replies, outcomes as HTTP errors, path ids.
import type { Logger } from 'pino';
import type { TemplatedApp } from './native-uws';
import { EVENT_ID_PATTERN } from '../../protocol';
import type { EventService, Outcome } from '../actor/event-service';
import type { EventStore } from '../store/event-store';
import type { DeadLetter, ResentLetter } from '../store/outbox-store';
import type { CheckInCounts } from './check-in-counts';
import type { TicketDesk } from '../store/ticket-desk';
import type { Metrics } from '../observability/metrics';
import type { Identity, Role } from './auth';
import type { Auth } from './auth';
import type { DefinitionCache } from './definition-cache';
import type { SnapshotFrames } from './snapshot-frames';
import type { AuditStore } from '../store/audit-store';
import type { OrderExport } from '../store/order-export';
import type { TicketCodeOf } from './orders-csv';
import type { AuditRecorder } from './staff-audit';
import type { Handler, Reply, Request } from './http';
import { HttpError } from './http';

/** Whether the node may take traffic, and why not. */
export type Readiness = () => Promise<{ ready: true; members?: string[] } | { ready: false; reason: string }>;

/** What the HTTP API is built from. */
export interface HttpApiDeps {
  app: TemplatedApp;
  store: EventStore;
  service: EventService;
  auth: Auth;
  metrics: Metrics;
  log: Logger;
  readiness: Readiness;
  /** Background work shown by the API (src/jobs): dead-lettered webhooks, signed ticket payloads. */
  jobs?: JobsView;
  /** The audit trail, exports and reports of staff routes; none: no trail, no exports. */
  staff?: StaffView;
  /** A customer's own orders, tickets at the gate. */
  tickets?: TicketDesk;
  /** Check-ins counted for the staff `stats` (moved by each check-in here); the server makes one from `tickets`. */
  checkIns?: CheckInCounts;
  /** The definitions and maps the routes read (shared with the pages); none: the API makes its own. */
  definitions?: DefinitionCache;
  /** Snapshot frames shared with the WebSocket's subscribers; none: the API keeps its own. */
  snapshots?: SnapshotFrames;
}

/** What staff routes read and write besides events and orders. */
export interface StaffView {
  audit: AuditStore;
  exports: OrderExport;
  /** The code of a ticket (derived, never stored: src/store/ticket-code.ts). */
  ticketCode?: TicketCodeOf;
}

/** What the API shows of the jobs. */
export interface JobsView {
  /** Dead-lettered webhooks, newest first; `beforeId` pages on. */
  deadLetters(limit: number, beforeId?: string): Promise<DeadLetter[]>;
  /** Sends the dead letters among `ids` again; returns those (the others were not dead). */
  resendDead(ids: string[]): Promise<ResentLetter[]>;
  /** Sends every dead letter (of `eventId`, when given) again. */
  resendAllDead(eventId?: string): Promise<ResentLetter[]>;
  /** The signed payload of a ticket's QR code. */
  signTicket(ticket: { code: string; eventId: string; orderId: string; seatId?: string; areaId?: string }): string;
}

/** What a route module registers its routes with. */
export interface Routes {
  deps: HttpApiDeps;
  get(pattern: string, handler: Handler): void;
  /** A route with a body; with `needed`, callers without that role are refused before the body is read. */
  post(pattern: string, handler: Handler, maxBody?: number, needed?: Role): void;
  /** Like post, for PATCH. */
  patch(pattern: string, handler: Handler, maxBody?: number, needed?: Role): void;
  del(pattern: string, handler: Handler): void;
  /** Records a staff or admin action in the audit trail. */
  audit: AuditRecorder;
  /** The caller's identity; throws unauthorized/forbidden unless it has `needed` (guest: may be null). */
  caller(request: Request, needed: Role): Promise<Identity | null>;
  definitions: DefinitionCache;
}

/** A JSON reply. */
export const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers });

/** Turns a failed outcome into the HTTP error of its code. */
export function unwrap<T>(outcome: Outcome<T>): T {
  if (outcome.ok) return outcome.value;
  throw new HttpError(outcome.error.code, outcome.error.message);
}

/** The `limit` query parameter: `fallback` when absent, else an integer from 1 to `max`. */
export function limitParam(request: Request, fallback: number, max: number): number {
  const limitText = request.query.get('limit');
  const limit = limitText === null || limitText === '' ? fallback : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) {
    throw new HttpError('bad_request', `limit must be an integer from 1 to ${max}`);
  }
  return limit;
}

const EVENT_ID = new RegExp(EVENT_ID_PATTERN);
/** Order ids are made by the server ("o_" and base64url); anything else cannot name one. */
const ORDER_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * The event id of the path. One that no event can have is not found without asking anyone: a NUL or
 * a megabyte of text must not reach Postgres (a NUL there is an error, answered `internal`).
 */
export function eventIdParam(request: Request): string {
  const id = request.params[0];
  if (!EVENT_ID.test(id)) throw new HttpError('not_found', 'no such event');
  return id;
}

/** The order id of the path (see eventIdParam). */
export function orderIdParam(request: Request): string {
  const id = request.params[0];
  if (!ORDER_ID.test(id)) throw new HttpError('not_found', 'no such order');
  return id;
}
