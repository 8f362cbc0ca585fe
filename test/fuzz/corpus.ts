// The fuzz corpus: inputs that once found something, kept as JSON files in test/fuzz/corpus/ and replayed
// by the CI fuzz test against a fresh server, with the fuzz's own checks (a well-formed answer, no
// `internal`, no 5xx, no leaked stack trace, a barrier answered after the frames, the server alive).
// `npm run fuzz` writes each finding's input here, cut down to the one frame that still finds it when
// one does, so a finding becomes a regression test by committing its file.
import { mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FuzzCase, HttpCase } from './cases';
import { checkFrame, sendHttp } from './fuzzer';
import type { FuzzReport } from './fuzzer';
import { http } from '../support/fixtures';
import { LeanClient } from '../support/lean-client';
import type { ServerProcess } from '../support/server-process';
import type { Msg } from '../support/ws-client';

/** Where the corpus is kept. */
export const CORPUS_DIR = fileURLToPath(new URL('./corpus/', import.meta.url));

/** Who sends an input: a token of that role is made by the target at replay time. */
export type CorpusRole = 'guest' | 'customer' | 'staff' | 'admin';

/** One WebSocket frame: text as is, or bytes in base64. */
export interface CorpusFrame {
  text?: string;
  base64?: string;
  binary: boolean;
}

/** One HTTP request; `as` adds that role's bearer token (besides any `headers`). */
export interface CorpusRequest {
  method: string;
  path: string;
  as?: CorpusRole;
  headers?: Record<string, string>;
  text?: string;
  base64?: string;
  /** The statuses the answer may have (besides the fuzz's checks). */
  statuses?: number[];
}

/** A kept input: what it found, and the frames (on one connection) or requests that found it. */
export interface CorpusEntry {
  found: string;
  /** The connection's role for `frames` (default guest). */
  as?: CorpusRole;
  frames?: CorpusFrame[];
  /** The last frame makes the server close the connection (1009, or a cut for invalid UTF-8). */
  closes?: boolean;
  requests?: CorpusRequest[];
}

/** Tokens of each role on the replay target (guest: none). */
export type RoleTokens = Record<CorpusRole, string | null>;

/** Every entry of `dir`, by file name. */
export async function loadCorpus(dir = CORPUS_DIR): Promise<{ file: string; entry: CorpusEntry }[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.json')).sort();
  return Promise.all(files.map(async (file) => ({ file, entry: JSON.parse(await readFile(join(dir, file), 'utf8')) as CorpusEntry })));
}

/** Writes `entry` as `dir/name.json`. */
export async function saveEntry(entry: CorpusEntry, name: string, dir = CORPUS_DIR): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, `${name}.json`);
  await writeFile(path, `${JSON.stringify(entry, null, 2)}\n`);
  return path;
}

function bytesOf(item: { text?: string; base64?: string }): Uint8Array | string | undefined {
  return item.base64 !== undefined ? new Uint8Array(Buffer.from(item.base64, 'base64')) : item.text;
}

function encoded(data: Uint8Array | string | undefined): { text?: string; base64?: string } {
  if (data === undefined) return {};
  return typeof data === 'string' ? { text: data } : { base64: Buffer.from(data).toString('base64') };
}

/** An entry for `cases` (frames of one connection of `as`, or HTTP requests), tokens turned back into roles. */
export function entryOf(found: string, cases: FuzzCase[], as: CorpusRole, roleOfToken: (token: string) => CorpusRole | undefined): CorpusEntry {
  const frames = cases.flatMap((c) => (c.kind === 'ws' ? [{ ...encoded(c.frame), binary: c.binary }] : []));
  const requests = cases.flatMap((c): CorpusRequest[] => {
    if (c.kind !== 'http') return [];
    const headers = { ...c.headers };
    const bearer = /^Bearer (.+)$/.exec(headers.authorization ?? '')?.[1];
    const role = bearer ? roleOfToken(bearer) : undefined;
    if (role) delete headers.authorization;
    return [{ method: c.method, path: c.path, ...(role ? { as: role } : {}), headers, ...encoded(c.body) }];
  });
  const closes = cases.some((c) => c.kind === 'ws' && c.closes);
  return { found, ...(frames.length ? { as, frames, ...(closes ? { closes } : {}) } : {}), ...(requests.length ? { requests } : {}) };
}

/** Replays one entry against `server`; returns what the fuzz's checks found (none: still fixed). */
export async function replayEntry(server: ServerProcess, eventId: string, tokens: RoleTokens, entry: CorpusEntry): Promise<string[]> {
  const findings: string[] = [];
  const finding = (text: string): void => void findings.push(text);
  const scratch = { httpStatuses: {} } as FuzzReport;
  for (const [i, request] of (entry.requests ?? []).entries()) {
    const token = request.as ? tokens[request.as] : null;
    const headers = { ...(token ? { authorization: `Bearer ${token}` } : {}), ...request.headers };
    const c: HttpCase = { kind: 'http', label: `${request.method} ${request.path}`, method: request.method, path: request.path, headers, body: bytesOf(request) };
    const status = await sendHttp(server, c, scratch, finding, i);
    if (request.statuses && !request.statuses.includes(status)) finding(`${request.method} ${request.path.slice(0, 80)}: ${status}, expected ${request.statuses.join(' or ')}`);
  }
  if (entry.frames?.length) {
    const client = await LeanClient.connect(server.wsUrl, 'msgpack', tokens[entry.as ?? 'guest'] ?? undefined);
    client.onFrame = (data, isBinary) => void checkFrame(data, isBinary, finding);
    try {
      for (const frame of entry.frames) client.socket.send(bytesOf(frame) ?? '', { binary: frame.binary });
      if (entry.closes) {
        const closed = await Promise.race([client.closed, new Promise<null>((r) => setTimeout(() => r(null), 10_000))]);
        if (!closed) finding('the connection was not closed after the closing frame');
      } else {
        const barrier = await client.request({ type: 'release', eventId, holdId: 'h_barrier' }, 30_000).catch((error: unknown) => ({ type: 'lost', error: String(error) }) as Msg);
        if (barrier.type !== 'error' || !['hold_not_found', 'unauthorized'].includes(barrier.code as string)) {
          finding(`no answer to a request after the frames: ${JSON.stringify(barrier).slice(0, 300)}`);
        }
      }
    } finally {
      client.close();
    }
  }
  const health = await http(server.url, 'GET', '/healthz').catch(() => null);
  if (health?.status !== 200) finding(`GET /healthz after the input: ${health?.status ?? 'no answer'}`);
  return findings;
}

/**
 * The smallest input of `entry` that still finds something on `server`: one of its frames alone, or one
 * of its requests alone, when one does; else the entry as it is.
 */
export async function minimize(server: ServerProcess, eventId: string, tokens: RoleTokens, entry: CorpusEntry): Promise<CorpusEntry> {
  const frames = entry.frames ?? [];
  for (const [i, frame] of frames.entries()) {
    const closes = entry.closes === true && i === frames.length - 1;
    const one: CorpusEntry = { found: entry.found, as: entry.as, frames: [frame], ...(closes ? { closes } : {}) };
    if ((await replayEntry(server, eventId, tokens, one)).length > 0) return one;
  }
  for (const request of entry.requests ?? []) {
    const one: CorpusEntry = { found: entry.found, requests: [request] };
    if ((await replayEntry(server, eventId, tokens, one)).length > 0) return one;
  }
  return entry;
}
