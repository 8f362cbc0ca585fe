// A cluster of Aisle node processes for the cluster bench: each node is a BenchServer (its own process,
// so its CPU can be read from /proc) started with default tuning plus REDIS_URL, sharing one database,
// one Redis and one key prefix. Nodes can be killed (kill -9) and added while it runs.
import type { BenchContext } from '../context';
import type { BenchServer } from '../system/server-process';

/** One node of the bench cluster. */
export interface BenchNode {
  nodeId: string;
  server: BenchServer;
  alive: boolean;
}

/** How long the live nodes' rings may take to agree after a start, join or kill. */
const RING_TIMEOUT_MS = 30_000;
const RING_POLL_MS = 50;

/** The answer of GET /readyz, as far as the bench reads it. */
interface Readiness {
  ready?: boolean;
  members?: string[];
}

/** GET `path` on `node` as JSON, or null when it does not answer. */
export async function getJson<T>(server: BenchServer, path: string): Promise<{ status: number; body: T } | null> {
  try {
    const res = await fetch(server.url + path);
    return { status: res.status, body: (await res.json()) as T };
  } catch {
    return null;
  }
}

/** The ring members `node` reports on /readyz (empty when it is not ready). */
export async function membersSeenBy(server: BenchServer): Promise<string[]> {
  const ready = await getJson<Readiness>(server, '/readyz');
  return ready?.status === 200 ? (ready.body.members ?? []) : [];
}

/** Nodes named `<name>-1`, `<name>-2`, … sharing `databaseUrl` and the Redis at `redisUrl` under `prefix`. */
export class BenchCluster {
  readonly nodes: BenchNode[] = [];

  private constructor(
    private readonly ctx: BenchContext,
    readonly name: string,
    private readonly databaseUrl: string,
    readonly redisUrl: string,
    readonly prefix: string,
  ) {}

  /** Starts `count` nodes at once and waits until every ring lists all of them. */
  static async start(ctx: BenchContext, name: string, count: number, databaseUrl: string, redisUrl: string): Promise<BenchCluster> {
    const cluster = new BenchCluster(ctx, name, databaseUrl, redisUrl, `${name}:`);
    await Promise.all(Array.from({ length: count }, () => cluster.addNode(false)));
    await cluster.waitForRing();
    return cluster;
  }

  /** The nodes still running. */
  live(): BenchNode[] {
    return this.nodes.filter((node) => node.alive);
  }

  /** Starts one more node (named after how many were ever started); waits for the rings unless told not to. */
  async addNode(waitForRing = true): Promise<BenchNode> {
    const nodeId = `${this.name}-${this.nodes.length + 1}`;
    const node: BenchNode = { nodeId, server: null as unknown as BenchServer, alive: false };
    this.nodes.push(node);
    node.server = await this.ctx.startServer(nodeId, 'src/main.ts', this.databaseUrl, {
      AISLE_DEMO: '0',
      REDIS_URL: this.redisUrl,
      REDIS_PREFIX: this.prefix,
      NODE_ID: nodeId,
    });
    node.alive = true;
    if (waitForRing) await this.waitForRing();
    return node;
  }

  /** kill -9: no drain, no leave; its membership and leases run out on their own. */
  kill(node: BenchNode): void {
    node.alive = false;
    process.kill(node.server.pid, 'SIGKILL');
  }

  /** Resolves once every live node's /readyz lists exactly the live nodes. */
  async waitForRing(timeoutMs = RING_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const want = this.live().map((n) => n.nodeId).sort().join(',');
    for (const node of this.live()) {
      for (;;) {
        const seen = (await membersSeenBy(node.server)).slice().sort().join(',');
        if (seen === want) break;
        if (Date.now() > deadline) throw new Error(`${node.nodeId} sees members [${seen}], expected [${want}]`);
        await new Promise((resolve) => setTimeout(resolve, RING_POLL_MS));
      }
    }
  }

  /** The node serving `eventId` (activating it if needed), asked through a live node. */
  async ownerOf(eventId: string, via: BenchNode = this.live()[0]): Promise<BenchNode> {
    const info = await getJson<{ owner?: { nodeId: string } | null }>(via.server, `/api/events/${eventId}`);
    const nodeId = info?.body.owner?.nodeId;
    const owner = this.nodes.find((n) => n.nodeId === nodeId && n.alive);
    if (!owner) throw new Error(`GET /api/events/${eventId} on ${via.nodeId}: no live owner in ${JSON.stringify(info)}`);
    return owner;
  }

  /** Stops every node at once (a short drain: the bench drops the database afterwards). */
  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((node) => node.server?.stop(1000)));
    for (const node of this.nodes) node.alive = false;
  }
}
