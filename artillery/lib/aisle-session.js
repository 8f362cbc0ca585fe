// One virtual user's conversation with Aisle over the Artillery ws engine's own socket (ws@7):
// MessagePack requests matched to their replies by `rid`, and the pushes (diffs, stats, expiries)
// counted and applied as they arrive, the waiting room's included. The engine's `send` step only sends
// text, hence this.
'use strict';

const { performance } = require('node:perf_hooks');
const { Decoder, Encoder } = require('@msgpack/msgpack');
const { SeatView } = require('./seat-view');
const M = require('./metric-names');

/** How long a request may wait for its reply before the virtual user fails (AISLE_TIMEOUT_MS). */
const REQUEST_TIMEOUT_MS = Number(process.env.AISLE_TIMEOUT_MS) || 10_000;

// One Encoder and Decoder per worker: the top-level encode()/decode() build new ones per call.
const encoder = new Encoder({ ignoreUndefined: true });
const decoder = new Decoder();

/** An error reply (or a broken conversation); `code` is what Artillery counts the failed user under. */
class AisleError extends Error {
  constructor(requestType, code, message) {
    super(`${requestType}: ${code}${message ? ` (${message})` : ''}`);
    this.code = `aisle.${requestType}.${code}`;
  }
}

/** The protocol over one socket, for one virtual user. */
class AisleSession {
  /** The session on `context.ws`, made on first use. */
  static of(context, events) {
    if (!context.aisle) context.aisle = new AisleSession(context.ws, events);
    return context.aisle;
  }

  constructor(ws, events) {
    this.ws = ws;
    this.events = events;
    this.nextRid = 1;
    this.pending = new Map();
    /** The live view of the subscribed event, if any. */
    this.view = null;
    this.eventId = null;
    this.resyncing = false;
    /** The last stats push since `watch`. */
    this.lastStats = null;
    /** A broken promise of the server's (e.g. an error push): thrown at the user's next request. */
    this.failure = null;
    /** The waiting room: the last position pushed, and how the wait ended (admitted or closed). */
    this.queue = { position: Infinity, admitted: null, closed: null, settle: null };
    ws.on('message', (data) => this.onFrame(data));
    ws.on('close', (code) => this.abandon(new AisleError('connection', 'closed', `close code ${code}`)));
  }

  count(name, value = 1) {
    this.events.emit('counter', name, value);
  }

  /**
   * Sends `message` and resolves with its reply, an error reply included. `onReply` sees the reply as
   * soon as its frame is read, before frames that came after it in the same read (a promise would
   * see it only after those).
   */
  request(message, onReply = null) {
    if (this.failure) return Promise.reject(this.failure);
    const rid = this.nextRid++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(rid);
        reject(new AisleError(message.type, 'timeout', `no reply in ${REQUEST_TIMEOUT_MS} ms`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(rid, { resolve, reject, timer, onReply });
      this.ws.send(encoder.encode({ ...message, rid }), { binary: true }, (error) => {
        if (error) this.settle(rid, null, new AisleError(message.type, 'send_failed', error.message));
      });
    });
  }

  /** Sends `message`, records its latency under `histogram`, and returns the reply. */
  async timed(histogram, message, onReply = null) {
    const started = performance.now();
    const reply = await this.request(message, onReply);
    this.events.emit('histogram', histogram, performance.now() - started);
    return reply;
  }

  /** The reply when it has `type`; an error reply (or another type) fails the virtual user. */
  static expect(reply, requestType, type) {
    if (reply.type === type) return reply;
    if (reply.type === 'error') throw new AisleError(requestType, reply.code, reply.message);
    throw new AisleError(requestType, 'unexpected_reply', reply.type);
  }

  /** Subscribes to `eventId` and keeps `view` current from then on. */
  async subscribe(eventId) {
    // The first diff may come in the same read as the snapshot: the view must exist before it is read.
    const install = (reply) => {
      if (reply.type !== 'snapshot') return;
      this.eventId = eventId;
      if (this.view) this.view.reset(reply);
      else this.view = new SeatView(reply);
    };
    // Packed snapshots (2-bit statuses, raw DEFLATE): what the pages and the SDK ask for; SeatView unpacks.
    const request = { type: 'subscribe', eventId, encoding: 'packed' };
    AisleSession.expect(await this.timed(M.SUBSCRIBE_MS, request, install), 'subscribe', 'snapshot');
    return this.view;
  }

  /**
   * Joins the waiting room of `eventId` and waits up to `waitMs` for the end of the wait:
   * `{admitted, queued, waitedMs}` (admitted: the `admitted` reply or push) or `{closed, queued}`
   * (the `queue_closed` reason). Either push may arrive before the `queued` reply.
   */
  async join(eventId, waitMs) {
    const started = performance.now();
    const reply = await this.timed(M.JOIN_MS, { type: 'join', eventId });
    this.count(M.JOINS);
    if (reply.type === 'admitted') return this.admittedAfter(reply, started, false);
    const queued = AisleSession.expect(reply, 'join', 'queued');
    this.count(M.QUEUED);
    this.queue.position = Math.min(this.queue.position, queued.position);
    const outcome = this.queue.admitted ?? this.queue.closed ?? (await this.waitInQueue(waitMs));
    return outcome.type === 'admitted' ? this.admittedAfter(outcome, started, true) : { closed: outcome.reason, queued: true };
  }

  admittedAfter(admitted, started, queued) {
    const waitedMs = performance.now() - started;
    this.events.emit('histogram', M.ADMIT_WAIT_MS, waitedMs);
    this.count(M.ADMITTED);
    return { admitted, queued, waitedMs };
  }

  waitInQueue(waitMs) {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.queue.settle = null;
        reject(new AisleError('join', 'still_waiting', `neither admitted nor told the queue closed in ${waitMs} ms`));
      }, waitMs);
      this.queue.settle = (outcome) => {
        clearTimeout(timer);
        this.queue.settle = null;
        resolve(outcome);
      };
    });
  }

  /** A waiting-room push: positions must only fall; `admitted` and `queue_closed` end the wait. */
  onQueuePush(message) {
    const room = this.queue;
    if (message.type === 'queue') {
      this.count(M.QUEUE_PUSHES);
      if (room.admitted || room.closed?.reason === 'closed') this.count(M.LATE_QUEUE_PUSHES);
      if (message.position > room.position) this.count(M.POSITION_RISES);
      room.position = message.position;
      return;
    }
    if (message.type === 'admitted') {
      if (room.closed?.reason === 'closed') this.count(M.LATE_QUEUE_PUSHES);
      room.admitted = message;
    } else {
      this.count(M.QUEUE_CLOSED);
      this.count(`${M.QUEUE_CLOSED}.${message.reason}`);
      room.closed = message;
    }
    room.settle?.(message);
  }

  settle(rid, reply, error) {
    const waiter = this.pending.get(rid);
    if (!waiter) return false;
    this.pending.delete(rid);
    clearTimeout(waiter.timer);
    if (error) {
      waiter.reject(error);
    } else {
      waiter.onReply?.(reply);
      waiter.resolve(reply);
    }
    return true;
  }

  abandon(error) {
    for (const rid of [...this.pending.keys()]) this.settle(rid, null, error);
  }

  onFrame(data) {
    let message;
    try {
      message = typeof data === 'string' ? JSON.parse(data) : decoder.decode(data);
    } catch (error) {
      this.failure = new AisleError('frame', 'undecodable', error.message);
      return;
    }
    if (typeof data === 'string') this.count(M.TEXT_FRAMES);
    if (message.rid !== undefined && this.settle(message.rid, message, null)) return;
    this.onPush(message);
  }

  onPush(message) {
    switch (message.type) {
      case 'diff':
        return this.onDiff(message);
      case 'stats':
        this.lastStats = message;
        return this.count(M.STATS_RECEIVED);
      case 'expired':
        return this.count(M.HOLDS_EXPIRED);
      case 'queue':
      case 'admitted':
      case 'queue_closed':
        return this.onQueuePush(message);
      case 'error':
        // An error without a pending rid answers a frame of ours the server could not read.
        this.failure = new AisleError('push', message.code, message.message);
        return this.count(`${M.PUSH_ERRORS}.${message.code}`);
      default:
        return this.count(M.OTHER_PUSHES);
    }
  }

  onDiff(diff) {
    this.count(M.DIFFS_RECEIVED);
    this.count(M.DIFF_CHANGES, diff.changes.length);
    const view = this.view;
    if (!view || diff.eventId !== this.eventId) return;
    // Diffs already contained in a snapshot that answered a resync are old news, not gaps.
    if (diff.epoch === view.epoch && diff.seq <= view.seq) return;
    if (view.apply(diff) || this.resyncing) return;
    this.count(M.DIFF_GAPS);
    this.resync();
  }

  /** docs/protocol.md: a gap or a new epoch means subscribing again for a fresh snapshot. */
  resync() {
    this.resyncing = true;
    this.count(M.RESYNCS);
    this.subscribe(this.eventId)
      .catch((error) => {
        this.failure = error;
      })
      .finally(() => {
        this.resyncing = false;
      });
  }
}

module.exports = { AisleSession, AisleError };
