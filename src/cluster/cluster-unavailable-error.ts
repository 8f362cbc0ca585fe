// The one failure of the cluster backends: Redis cannot be reached (down, restarting, not answering in
// time). Nothing is known to have changed; the caller retries later or fences itself.

/** Raised when the cluster's shared state (Redis) cannot be reached; `code` is the protocol's `unavailable`. */
export class ClusterUnavailableError extends Error {
  readonly code = 'unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClusterUnavailableError';
  }
}

// Replies with which a reachable Redis says it cannot work right now (loading its dataset after a
// restart, a script running too long, a replica or full memory): unavailable too. Any other reply
// error (a wrong type, a bug in a script) is a bug and is rethrown as it is.
const TRANSIENT_REPLY = /^(LOADING|BUSY|MASTERDOWN|READONLY|OOM|TRYAGAIN|CLUSTERDOWN)\b/;

function isReplyError(error: Error): boolean {
  // ioredis's ReplyError (from redis-errors) is not typed; its name is stable.
  return error.name === 'ReplyError';
}

/** `cause` as a ClusterUnavailableError when it means Redis could not be reached; otherwise unchanged. */
export function toClusterError(cause: unknown, what: string): unknown {
  if (cause instanceof ClusterUnavailableError || !(cause instanceof Error)) return cause;
  if (isReplyError(cause) && !TRANSIENT_REPLY.test(cause.message)) return cause;
  return new ClusterUnavailableError(`${what}: Redis unavailable (${cause.message})`, { cause });
}

/** Runs `call`, turning connection failures into ClusterUnavailableError. */
export async function clusterCall<T>(what: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (cause) {
    throw toClusterError(cause, what);
  }
}
