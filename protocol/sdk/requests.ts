// Argument shapes of the client's hold commands.
import type { AreaCounts } from '../server-messages';

/** What `holdBest` asks for: `count` adjacent seats, optionally narrowed. */
export interface BestRequest {
  count: number;
  category?: string;
  section?: string;
  accessible?: boolean;
}

/** Options of every hold: add to an existing hold of the same user instead of starting one. */
export interface HoldRequestOptions {
  holdId?: string;
  /** The request's name (1–64 characters); made by the client when not given. Same key: same hold. */
  holdKey?: string;
}

/** What to release; nothing named releases the whole hold. */
export interface ReleaseOptions {
  seats?: string[];
  areas?: AreaCounts;
}
