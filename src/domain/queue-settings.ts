// A waiting room's settings, as the event definition and PATCH carry them (docs/protocol.md,
// "Waiting room"), with times already parsed to epoch ms.

import type { QueueDefinition } from './types';
/** Whether an event's waiting room is in front of its sale. */
export type QueueMode = 'off' | 'on';

/** Default admission TTL: 15 minutes, the contract's default for `admissionTtlSeconds`. */
export const DEFAULT_ADMISSION_TTL_SECONDS = 900;

/** The waiting room of one event. Unset limits do not limit (inventory still does). */
export interface QueueSettings {
  mode: QueueMode;
  /** Epoch ms: who joins before it is placed by lottery at this moment. */
  openAt?: number;
  /** Most admitted shoppers who have not finished at once. */
  maxActive?: number;
  /** Most admissions in any 60 s. */
  admitPerMinute?: number;
  admissionTtlSeconds: number;
}

/** The settings of an event with no waiting room. */
export const QUEUE_OFF: QueueSettings = { mode: 'off', admissionTtlSeconds: DEFAULT_ADMISSION_TTL_SECONDS };

/** Why a waiting room told its users it closed. */
export type QueueClosedReason = 'sold_out' | 'closed';

/** The settings of a definition's `queue` (absent: off), its times parsed to epoch ms. */
export function queueSettingsOf(queue: QueueDefinition | undefined): QueueSettings {
  if (!queue) return QUEUE_OFF;
  const settings: QueueSettings = { mode: queue.mode, admissionTtlSeconds: queue.admissionTtlSeconds };
  if (queue.openAt !== undefined) settings.openAt = Date.parse(queue.openAt);
  if (queue.maxActive !== undefined) settings.maxActive = queue.maxActive;
  if (queue.admitPerMinute !== undefined) settings.admitPerMinute = queue.admitPerMinute;
  return settings;
}
