// How often each fault strikes; a seed decides when. Rates are per opportunity (per I/O, per message, per step).
export interface FaultRates {
  /** A commit fails before writing (StoreUnavailableError). */
  commitFails: number;
  /** A commit is written but its reply is lost (StoreInDoubtError). */
  commitInDoubt: number;
  /** An I/O completion is delayed by up to `slowMaxMs`. */
  slowIo: number;
  slowMaxMs: number;
  /** A hold-journal write fails. */
  journalFails: number;
  /** A peer message (request, reply, diff) is lost. */
  messageLost: number;
  /** Per step: an owner crashes (kill -9), or pauses past its lease (a zombie when it wakes). */
  crash: number;
  pause: number;
  /** Per command: the client reconnects (drops its pending reply, resubscribes). */
  reconnect: number;
}

export const DEFAULT_FAULTS: FaultRates = {
  commitFails: 0.04,
  commitInDoubt: 0.03,
  slowIo: 0.05,
  slowMaxMs: 2500,
  journalFails: 0.01,
  messageLost: 0.01,
  crash: 0.0004,
  pause: 0.0004,
  reconnect: 0.01,
};
