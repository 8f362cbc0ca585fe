// The limits of the WebSocket edge and their defaults.

/** Limits of the edge. */
export interface WsLimits {
  /** docs/protocol.md: frames over 64 KiB close the connection with 1009. */
  maxPayloadBytes: number;
  /**
   * What uWS itself accepts. uWS cuts a connection whose frame exceeds its own limit without a close
   * frame (the client sees 1006), so it is set above `maxPayloadBytes` and the gateway sends 1009 for
   * frames in between; only a frame over this hard cap is cut abruptly. Kept small because uWS
   * buffers a whole frame per connection before the message handler runs.
   */
  hardPayloadBytes: number;
  /** Bytes a connection may have unsent before it is dropped as a slow consumer. */
  maxBackpressureBytes: number;
  /** Events one connection may subscribe to at once. */
  maxSubscriptions: number;
  /** Token bucket per connection: sustained requests per second and burst. */
  ratePerSecond: number;
  rateBurst: number;
  /** Open connections per client address and per user on this node (0: no cap). */
  maxConnectionsPerIp: number;
  maxConnectionsPerUser: number;
  /** Bytes all connections together may have unsent before the largest are dropped (slow-consumer-guard.ts). */
  bufferBudgetBytes: number;
  /** Connections buffering less than this are never dropped for the budget. */
  slowConsumerFloorBytes: number;
  /** How often every connection's buffer is checked (pushes go through topics, never past `reply`). */
  sweepIntervalMs: number;
}

/** Defaults sized for seat-map clients: a snapshot of 100,000 seats is ~100 KB. */
export const DEFAULT_WS_LIMITS: WsLimits = {
  maxPayloadBytes: 64 * 1024,
  hardPayloadBytes: 256 * 1024,
  maxBackpressureBytes: 4 * 1024 * 1024,
  maxSubscriptions: 32,
  ratePerSecond: 2000,
  rateBurst: 4000,
  // Off by default: thousands of buyers may share one carrier-grade NAT or office proxy (SECURITY.md).
  maxConnectionsPerIp: 0,
  // A person with many tabs, plus connections of a reconnect not yet timed out (idleTimeout 120 s).
  maxConnectionsPerUser: 16,
  bufferBudgetBytes: 256 * 1024 * 1024,
  slowConsumerFloorBytes: 16 * 1024,
  sweepIntervalMs: 250,
};
