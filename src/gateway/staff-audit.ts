// Recording staff and admin actions in the audit trail from the HTTP routes, where the caller is known.
// An action is recorded once it is done; if the trail cannot be written, the action stands and the
// failure is logged (the change itself is already durable and cannot be taken back here).
import type { Logger } from 'pino';
import type { AuditStore } from '../store/audit-store';
import type { Identity } from './auth';

/** Records what an identity did. */
export type AuditRecorder = (
  who: Identity | null,
  action: string,
  eventId: string | null,
  target: string | null,
  details: Record<string, unknown>,
) => Promise<void>;

/** A recorder writing to `audit` (none: records nothing). */
export function auditRecorder(audit: AuditStore | undefined, log: Logger): AuditRecorder {
  return async (who, action, eventId, target, details) => {
    if (!audit || !who) return;
    try {
      await audit.record({ actor: { userId: who.userId, role: who.role }, action, eventId, target, details });
    } catch (error) {
      log.error({ err: error, action, eventId, target, actor: who.userId }, 'audit entry could not be written');
    }
  };
}
