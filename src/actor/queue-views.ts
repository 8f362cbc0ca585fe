// What the waiting room answers: `join` and the staff figures (apart from queue-flow.ts, so the
// EventService port can name them without importing the actor's parts).
import type { QueuePlace } from '../domain';

/** The answer to `join`. */
export type JoinView =
  | ({ kind: 'queued' } & Omit<QueuePlace, 'userId'>)
  | { kind: 'admitted'; expiresAt: number };

/** The figures of `GET /api/events/:id/queue`. */
export interface QueueInfoView {
  mode: 'off' | 'on';
  status: 'open' | 'sold_out' | 'closed';
  waiting: number;
  admitted: number;
  active: number;
  admittedLastMinute: number;
  openAt: string | null;
  lastInLineEtaSeconds: number | null;
  maxActive: number | null;
  admitPerMinute: number | null;
}
