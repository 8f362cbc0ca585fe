// The waiting room on the wire (docs/protocol.md, "Waiting room"): the `join` and `leave` requests,
// the replies and pushes, and the `queue` settings of an event definition.
import { Type, type Static } from '@sinclair/typebox';
import { DateTimeSchema, EventIdSchema, RidSchema, intSchema } from './fields';

/** Upper bounds of the settings: a day of admission, a million shoppers at once or a minute. */
const MAX_ADMISSION_TTL_SECONDS = 86_400;
const MAX_QUEUE_LIMIT = 1_000_000;

/** `queue` in an event definition and in PATCH. */
export const QueueSettingsBodySchema = Type.Object({
  mode: Type.Union([Type.Literal('off'), Type.Literal('on')], { errorMessage: 'must be "off" or "on"' }),
  openAt: Type.Optional(DateTimeSchema),
  maxActive: Type.Optional(intSchema(1, MAX_QUEUE_LIMIT)),
  admitPerMinute: Type.Optional(intSchema(1, MAX_QUEUE_LIMIT)),
  admissionTtlSeconds: Type.Optional(intSchema(1, MAX_ADMISSION_TTL_SECONDS)),
});
/** `queue` in PATCH: every field optional; `null` removes `openAt` or a limit. */
export const QueuePatchBodySchema = Type.Object(
  {
    mode: Type.Optional(QueueSettingsBodySchema.properties.mode),
    openAt: Type.Optional(Type.Union([DateTimeSchema, Type.Null()])),
    maxActive: Type.Optional(Type.Union([intSchema(1, MAX_QUEUE_LIMIT), Type.Null()])),
    admitPerMinute: Type.Optional(Type.Union([intSchema(1, MAX_QUEUE_LIMIT), Type.Null()])),
    admissionTtlSeconds: Type.Optional(intSchema(1, MAX_ADMISSION_TTL_SECONDS)),
  },
  { additionalProperties: false },
);
/** See QueueSettingsBodySchema. */
export type QueueSettingsBody = Static<typeof QueueSettingsBodySchema>;

/** `{type: "join", eventId}` (customer): take a place in the event's waiting room. */
export const JoinRequestSchema = Type.Object({ type: Type.Literal('join'), rid: Type.Optional(RidSchema), eventId: EventIdSchema });
/** `{type: "leave", eventId}`: give the place (or the admission) up. */
export const LeaveRequestSchema = Type.Object({ type: Type.Literal('leave'), rid: Type.Optional(RidSchema), eventId: EventIdSchema });
/** See JoinRequestSchema. */
export type JoinRequest = Static<typeof JoinRequestSchema>;
/** See LeaveRequestSchema. */
export type LeaveRequest = Static<typeof LeaveRequestSchema>;

/** A place in the line: `position` 1 is next; `etaSeconds` null until an admission rate is known;
 * `lottery` true before `openAt` (places are drawn by lottery then; `position` is the worst case). */
const queuePlaceFields = {
  position: Type.Integer({ minimum: 1 }),
  ahead: Type.Integer({ minimum: 0 }),
  etaSeconds: Type.Union([Type.Number(), Type.Null()]),
  lottery: Type.Optional(Type.Boolean()),
};
const Rid = Type.Optional(RidSchema);

/** Reply to `join` when the user waits. */
export const QueuedMessageSchema = Type.Object({ type: Type.Literal('queued'), rid: Rid, eventId: Type.String(), ...queuePlaceFields });
/** Reply to `join`, or push: the user may hold until `expiresAt` (epoch ms). */
export const AdmittedMessageSchema = Type.Object({ type: Type.Literal('admitted'), rid: Rid, eventId: Type.String(), expiresAt: Type.Number() });
/** Push: the waiting user's place moved (at most one a second). */
export const QueuePositionMessageSchema = Type.Object({ type: Type.Literal('queue'), eventId: Type.String(), ...queuePlaceFields });
/** Push: nothing left to sell (the place is kept as a waitlist) or sales closed (places dropped). */
export const QueueClosedMessageSchema = Type.Object({
  type: Type.Literal('queue_closed'),
  eventId: Type.String(),
  reason: Type.Union([Type.Literal('sold_out'), Type.Literal('closed')]),
});
/** Reply to `leave`. */
export const LeftMessageSchema = Type.Object({ type: Type.Literal('left'), rid: Rid, eventId: Type.String() });

/** See QueuedMessageSchema. */
export type QueuedMessage = Static<typeof QueuedMessageSchema>;
/** See AdmittedMessageSchema. */
export type AdmittedMessage = Static<typeof AdmittedMessageSchema>;
/** See QueuePositionMessageSchema. */
export type QueuePositionMessage = Static<typeof QueuePositionMessageSchema>;
/** See QueueClosedMessageSchema. */
export type QueueClosedMessage = Static<typeof QueueClosedMessageSchema>;
/** See LeftMessageSchema. */
export type LeftMessage = Static<typeof LeftMessageSchema>;

/** The pushes the waiting room sends a user. */
export type QueuePush = AdmittedMessage | QueuePositionMessage | QueueClosedMessage;

/** `GET /api/events/:id/queue` (staff); extensions: `status`, the room's state, and
 * `lastInLineEtaSeconds`, the expected wait of the last in line (s, null: unknown). */
export const QueueInfoBodySchema = Type.Object({
  mode: Type.Union([Type.Literal('off'), Type.Literal('on')]),
  waiting: Type.Integer(),
  admitted: Type.Integer(),
  active: Type.Integer(),
  admittedLastMinute: Type.Integer(),
  openAt: Type.Union([Type.String(), Type.Null()]),
  status: Type.Union([Type.Literal('open'), Type.Literal('sold_out'), Type.Literal('closed')]),
  lastInLineEtaSeconds: Type.Union([Type.Number(), Type.Null()]),
  maxActive: Type.Union([Type.Integer(), Type.Null()]),
  admitPerMinute: Type.Union([Type.Integer(), Type.Null()]),
});
/** See QueueInfoBodySchema. */
export type QueueInfoBody = Static<typeof QueueInfoBodySchema>;
