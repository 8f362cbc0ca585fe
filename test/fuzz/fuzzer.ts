// The fuzz engine: throws cases at a real server process over WebSocket and HTTP, reads every frame and
// body that comes back, and checks the server afterwards. What counts as a finding:
// - a reply that is not a well-formed server message (undecodable, unknown type, unknown error code);
// - any `internal` error, HTTP 5xx, or a text that looks like a stack trace or names server files;
// - the server dying, not answering a ping, or its memory growing by more than the allowed margin;
// - the fuzz event's seats or places changed by anything but the holds the server said `held` to.
import { fileURLToPath } from 'node:url';
import { ERROR_CODES, jsonCodec, msgpackCodec } from '../../protocol';
import type { Encoding } from '../../protocol';
import { http } from '../support/fixtures';
import { LeanClient } from '../support/lean-client';
import { rssMb } from '../support/observe';
import type { ServerProcess } from '../support/server-process';
import type { Msg } from '../support/ws-client';
import type { CaseFactory, FuzzCase, HttpCase, WsCase } from './cases';

/** How a run is shaped. */
export interface FuzzOptions {
  cases: number;
  /** Fraction of cases that are HTTP requests. */
  httpShare: number;
  /** Parallel WebSocket connections and HTTP workers. */
  connections: number;
  /** Non-closing frames sent before a ping barrier. */
  batch: number;
  /** Allowed RSS growth from after warm-up to the end, in MB. */
  rssGrowthMb: number;
  /** Tokens of the connections: index i uses tokens[i % length] (null: guest). */
  connectionTokens: (string | null)[];
  /** An admin token, to undo sales or block changes that fuzzed HTTP bodies made legitimately. */
  adminToken: string;
  /** Progress callback every `progressEvery` cases (default: every 10%), with the report so far. */
  progress?: (done: number, total: number, report: FuzzReport) => void;
  progressEvery?: number;
  /** Asked before each case: true ends the run early (the report covers the cases run). */
  shouldStop?: () => boolean;
}

/** What a run found. */
export interface FuzzReport {
  cases: number;
  wsCases: number;
  httpCases: number;
  framesReceived: number;
  reconnects: number;
  /** Connections that ended with 1006 outside a closing case (reconnected; see `flush`); should be 0. */
  lostConnections: number;
  /** How each lost connection ended: when, on which worker, after which cases. */
  lostDetails: string[];
  /**
   * `unavailable` answers ("retry shortly": an owner past its lease, a backend too slow) and HTTP
   * connections the server closed as the request went out: what a starved machine gets by design.
   * Counted, retried, not findings.
   */
  overloadAnswers: number;
  /** Replies by type/code, e.g. "error:bad_request". */
  outcomes: Record<string, number>;
  httpStatuses: Record<string, number>;
  findings: string[];
  /** The input behind each finding (its case, or the batch of frames in flight), to keep in the corpus. */
  findingInputs: { finding: string; cases: FuzzCase[]; token: string | null }[];
  rssWarmMb: number;
  rssEndMb: number;
  /** Holds the server accepted from fuzz frames (released before the state check). */
  acceptedHolds: number;
  /** Sales and block requests on the fuzz event the server accepted (undone before the state check). */
  acceptedChanges: number;
  seconds: number;
}

const SERVER_MESSAGE_TYPES = new Set(['authed', 'snapshot', 'unsubscribed', 'held', 'released', 'order', 'stats', 'pong', 'diff', 'expired', 'error']);
const CODES = new Set<string>(ERROR_CODES);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Signs of a leaked stack trace or internals (the cases never contain these). */
const LEAKS = [ROOT, 'node:internal', 'file://', '\n    at ', 'node_modules'];

/** Runs `options.cases` cases from `factory` against `server`; `eventId` is the event whose state is checked. */
export async function runFuzz(server: ServerProcess, factory: CaseFactory, eventId: string, options: FuzzOptions): Promise<FuzzReport> {
  const started = Date.now();
  const report: FuzzReport = {
    cases: options.cases,
    wsCases: 0,
    httpCases: 0,
    framesReceived: 0,
    reconnects: 0,
    lostConnections: 0,
    lostDetails: [],
    overloadAnswers: 0,
    outcomes: {},
    httpStatuses: {},
    findings: [],
    findingInputs: [],
    rssWarmMb: 0,
    rssEndMb: 0,
    acceptedHolds: 0,
    acceptedChanges: 0,
    seconds: 0,
  };
  const finding = (text: string, cases: FuzzCase[] = [], token: string | null = null): void => {
    if (report.findings.length < 50) report.findings.push(text);
    if (cases.length > 0 && report.findingInputs.length < 50) report.findingInputs.push({ finding: text, cases, token });
  };
  const heldIds = new Set<string>();

  const before = await snapshotOf(server, eventId);
  let next = 0;
  let done = 0;
  const tick = (): void => {
    done++;
    if (options.progress && done % (options.progressEvery ?? Math.max(1, Math.floor(options.cases / 10))) === 0) {
      report.seconds = (Date.now() - started) / 1000;
      options.progress(done, options.cases, report);
    }
    if (done === Math.floor(options.cases / 10)) void rssMb(server.child.pid!).then((mb) => (report.rssWarmMb = mb));
  };

  const worker = async (w: number): Promise<void> => {
    const encoding: Encoding = w % 2 ? 'json' : 'msgpack';
    const token = options.connectionTokens[w % options.connectionTokens.length];
    /** The frames whose replies are being read now: what a finding in a reply is blamed on. */
    let inFlight: WsCase[] = [];
    const open = async (): Promise<LeanClient> => {
      const client = await LeanClient.connect(server.wsUrl, encoding, token ?? undefined);
      client.onFrame = (data, isBinary) => {
        report.framesReceived++;
        const reply = checkFrame(data, isBinary, (text) => finding(text, inFlight, token));
        if (!reply) return;
        const key = reply.type === 'error' ? `error:${String(reply.code)}` : String(reply.type);
        report.outcomes[key] = (report.outcomes[key] ?? 0) + 1;
        if (reply.type === 'held' && reply.eventId === eventId) heldIds.add(reply.holdId as string);
      };
      return client;
    };
    let client = await open();
    let pending: WsCase[] = [];
    const flush = async (): Promise<void> => {
      for (const c of pending) client.socket.send(c.frame, { binary: c.binary });
      const labels = pending.map((c) => c.label);
      const batch = (inFlight = pending);
      pending = [];
      // A barrier through the event's actor (one mailbox, in order): once it is answered, every hold
      // sent before it on this connection has been answered too, so none is lost to a closing case.
      let barrier: Msg;
      for (let attempt = 1; ; attempt++) {
        barrier = await client.request({ type: 'release', eventId, holdId: 'h_barrier' }, 30_000).catch((error: unknown) => ({ type: 'lost', error: String(error), after: labels.join(', ') }) as Msg);
        if (barrier.type !== 'error' || barrier.code !== 'unavailable' || attempt === 10) break;
        report.overloadAnswers++;
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      if (barrier.type === 'error' && ['hold_not_found', 'unauthorized'].includes(barrier.code as string)) return void (inFlight = []);
      if (barrier.type === 'lost' && client.closedWith?.startsWith('1006')) {
        // A connection cut without a close frame outside a closing case. Once a token connection upgraded
        // after an await, on a busy heap, was shut down right after its start (src/gateway/ws-upgrade.ts);
        // now none should be. Counted, described and reconnected, so the run goes on: the CI test
        // requires none, and every other check (crash, internal error, leak, state) still applies.
        report.lostConnections++;
        if (report.lostDetails.length < 50) report.lostDetails.push(`${new Date().toISOString()} worker ${w}: ${client.closedWith}, ${String((barrier as Msg).error)} after ${labels.join(', ')}`);
        client.close();
        client = await open();
        inFlight = [];
        return;
      }
      finding(`no answer to the barrier after a batch on connection ${w}: ${JSON.stringify(barrier).slice(0, 2000)}, connection ${client.closedWith ? `closed (${client.closedWith})` : 'open'}`, batch, token);
      inFlight = [];
    };
    for (;;) {
      const index = next++;
      if (index >= options.cases || options.shouldStop?.()) break;
      const c: FuzzCase = factory.make(index, options.httpShare);
      if (c.kind === 'http') {
        report.httpCases++;
        const status = await sendHttp(server, c, report, (text) => finding(text, [c]), index);
        if (status < 300 && c.method === 'POST' && c.path.startsWith(`/api/events/${eventId}/`)) report.acceptedChanges++;
      } else {
        report.wsCases++;
        if (!c.closes) {
          pending.push(c);
          if (pending.length >= options.batch) await flush();
        } else {
          await flush();
          inFlight = [c];
          client.socket.send(c.frame, { binary: c.binary });
          const closed = await Promise.race([client.closed, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
          if (!closed) finding(`case ${index} (${c.label}) did not close the connection`, [c], token);
          else if (c.label.startsWith('oversized') && closed.code !== 1009 && closed.code !== 1006) finding(`case ${index} (${c.label}) closed with ${closed.code}`, [c], token);
          inFlight = [];
          client.close();
          client = await open();
          report.reconnects++;
        }
      }
      tick();
    }
    await flush();
    client.close();
  };
  await Promise.all(Array.from({ length: options.connections }, (_, w) => worker(w)));

  // Alive, answering, and not bloated.
  const health = await http(server.url, 'GET', '/healthz').catch(() => null);
  if (health?.status !== 200) finding(`GET /healthz after the run: ${health?.status ?? 'no answer'}`);
  if (server.child.exitCode !== null || server.child.signalCode !== null) finding(`the server exited: ${server.child.exitCode ?? server.child.signalCode}`);
  report.rssEndMb = await rssMb(server.child.pid!).catch(() => 0);
  if (report.rssWarmMb === 0) report.rssWarmMb = report.rssEndMb;
  if (report.rssEndMb - report.rssWarmMb > options.rssGrowthMb) {
    finding(`RSS grew from ${report.rssWarmMb.toFixed(1)} to ${report.rssEndMb.toFixed(1)} MB`);
  }

  // Rejected frames changed nothing: release what was accepted, then the event must be as before.
  report.acceptedHolds = heldIds.size;
  // `auth` frames may have switched a connection to any valid token's user, the admin's too.
  await releaseAccepted(server, eventId, heldIds, [...options.connectionTokens, options.adminToken]);
  if (report.acceptedChanges > 0) await undoChanges(server, eventId, before.status.length, options.adminToken);
  // Snapshots come from the node's replica, one diff tick behind the actor: wait for it, with a deadline.
  const same = (a: Snapshot, b: Snapshot): boolean =>
    Buffer.compare(Buffer.from(a.status), Buffer.from(b.status)) === 0 && JSON.stringify(a.areas) === JSON.stringify(b.areas);
  let after = await snapshotOf(server, eventId);
  for (const deadline = Date.now() + 3000; !same(before, after) && Date.now() < deadline; ) {
    await new Promise((r) => setTimeout(r, 20));
    after = await snapshotOf(server, eventId);
  }
  if (!same(before, after)) {
    finding(`${eventId} changed: seats ${describeChange(before.status, after.status)}, areas ${JSON.stringify(before.areas)} → ${JSON.stringify(after.areas)}`);
  }
  report.cases = report.wsCases + report.httpCases;
  report.seconds = (Date.now() - started) / 1000;
  return report;
}

/** Decodes and checks one server frame; returns it, or null after reporting a finding. */
export function checkFrame(data: Buffer, isBinary: boolean, finding: (text: string) => void): Msg | null {
  const text = isBinary ? data.toString('latin1') : data.toString('utf8');
  for (const leak of LEAKS) if (text.includes(leak)) finding(`a frame leaks "${leak.trim()}": ${text.slice(0, 300)}`);
  let reply: Msg;
  try {
    reply = (isBinary ? msgpackCodec.decode(new Uint8Array(data)) : jsonCodec.decode(data.toString('utf8'))) as Msg;
  } catch {
    finding(`an undecodable frame: ${text.slice(0, 100)}`);
    return null;
  }
  if (typeof reply !== 'object' || reply === null || !SERVER_MESSAGE_TYPES.has(reply.type)) {
    finding(`a frame of unknown shape: ${JSON.stringify(reply).slice(0, 200)}`);
    return null;
  }
  if (reply.type === 'error') {
    if (!CODES.has(reply.code as string) || typeof reply.message !== 'string') finding(`a malformed error: ${JSON.stringify(reply).slice(0, 200)}`);
    if (reply.code === 'internal') finding(`an internal error: ${JSON.stringify(reply).slice(0, 200)}`);
  }
  return reply;
}

/** Sends one HTTP case and checks its answer; returns the status (0: none). */
export async function sendHttp(server: ServerProcess, c: HttpCase, report: FuzzReport, finding: (text: string) => void, index: number): Promise<number> {
  let status = 0;
  let text = '';
  for (let attempt = 1; status === 0; attempt++) {
    try {
      const body = c.body instanceof Uint8Array ? Buffer.from(c.body) : c.body;
      const res = await fetch(server.url + c.path, { method: c.method, headers: c.headers, body, signal: AbortSignal.timeout(30_000) });
      status = res.status;
      text = await res.text();
    } catch (error) {
      const cause = error instanceof Error ? (error.cause as { code?: string; message?: string } | undefined) : undefined;
      // A refused header (fetch validates some) is the client's limit, not the server's answer.
      if (error instanceof TypeError && /header|Headers|ByteString|Invalid/.test(String(cause ?? error.message))) return 0;
      // A kept-alive connection the server closed (its idle timeout) just as the request went out.
      if (attempt === 1 && ['UND_ERR_SOCKET', 'ECONNRESET', 'EPIPE'].includes(cause?.code ?? '')) {
        report.overloadAnswers++;
        continue;
      }
      finding(`case ${index} (${c.label}): no answer: ${String(error)}${cause ? ` (${cause.code ?? ''} ${cause.message ?? ''})` : ''}`);
      return 0;
    }
  }
  report.httpStatuses[status] = (report.httpStatuses[status] ?? 0) + 1;
  if (status === 503 && /"code":"unavailable"/.test(text)) report.overloadAnswers++;
  else if (status >= 500) finding(`case ${index} ${c.method} ${c.path.slice(0, 80)}: ${status} ${text.slice(0, 200)}`);
  for (const leak of LEAKS) if (text.includes(leak)) finding(`case ${index} ${c.method} ${c.path.slice(0, 80)} leaks "${leak.trim()}"`);
  if (status >= 400 && status !== 404 && status !== 405) {
    let code: unknown;
    try {
      code = (JSON.parse(text) as { error?: { code?: unknown } }).error?.code;
    } catch {
      code = undefined;
    }
    if (!CODES.has(code as string)) finding(`case ${index} ${c.method} ${c.path.slice(0, 80)}: ${status} without an error code: ${text.slice(0, 120)}`);
  }
  return status;
}

/** The availability of `eventId` from a fresh guest connection. */
type Snapshot = { status: Uint8Array; areas: Record<string, number> };

async function snapshotOf(server: ServerProcess, eventId: string): Promise<Snapshot> {
  const probe = await LeanClient.connect(server.wsUrl, 'msgpack');
  try {
    const snap = await probe.request({ type: 'subscribe', eventId });
    if (snap.type !== 'snapshot') throw new Error(`subscribe ${eventId}: ${JSON.stringify(snap)}`);
    return { status: snap.status as Uint8Array, areas: snap.areas as Record<string, number> };
  } finally {
    probe.close();
  }
}

/** Releases the holds fuzz frames made (as the user that made each one). */
async function releaseAccepted(server: ServerProcess, eventId: string, holds: Set<string>, tokens: (string | null)[]): Promise<void> {
  const clients = await Promise.all(tokens.filter((t): t is string => t !== null).map((t) => LeanClient.connect(server.wsUrl, 'msgpack', t)));
  try {
    for (const holdId of holds) {
      // The hold's user is one of the connections' users: whichever finds it releases it.
      for (const client of clients) {
        const reply = await client.request({ type: 'release', eventId, holdId });
        if (reply.type === 'released') break;
      }
    }
  } finally {
    for (const c of clients) c.close();
  }
}

/** Opens sales and unblocks every seat of `eventId` (only after fuzzed bodies were accepted). */
async function undoChanges(server: ServerProcess, eventId: string, seatCount: number, admin: string): Promise<void> {
  await http(server.url, 'POST', `/api/events/${eventId}/sales`, { token: admin, body: { open: true } });
  const map = await http(server.url, 'GET', `/api/events/${eventId}/map`);
  const seats = (map.body.seats as { id: string }[]).map((s) => s.id).slice(0, seatCount);
  await http(server.url, 'POST', `/api/events/${eventId}/block`, { token: admin, body: { seats, blocked: false } });
}

function describeChange(before: Uint8Array, after: Uint8Array): string {
  const changed: string[] = [];
  for (let i = 0; i < Math.max(before.length, after.length) && changed.length < 10; i++) {
    if (before[i] !== after[i]) changed.push(`#${i} ${before[i]}→${after[i]}`);
  }
  return changed.join(', ') || 'same';
}
