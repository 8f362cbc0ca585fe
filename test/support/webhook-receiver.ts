// A real HTTP receiver on loopback for webhook tests: records every request, answers as the test says
// (a status, or never: to stand for a receiver that hangs), and lets tests wait for deliveries with a
// deadline.
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { verifyWebhookSignature } from '../../src/jobs/webhook-signature';

/** One request as received. */
export interface ReceivedWebhook {
  id: string;
  type: string;
  createdAt: string;
  data: Record<string, any>;
  signature: string | undefined;
  rawBody: string;
  /** Date.now() when the body was complete. */
  receivedAt: number;
  /** Whether the signature verifies with the receiver's secret. */
  signatureValid: boolean;
}

/** How to answer a request: an HTTP status, or 'hang' (never answer). */
export type Answer = number | 'hang';

/** A webhook receiver. */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  /** Decides each answer; default 200. */
  answer: (webhook: ReceivedWebhook, attemptsOfId: number) => Answer = () => 200;
  /** Each waiter counts its matches as webhooks arrive (no rescans: the bench receives many). */
  private readonly waiters: { match: (w: ReceivedWebhook) => boolean; missing: number; resolve: () => void }[] = [];
  private readonly attempts = new Map<string, number>();
  private readonly hanging = new Set<ServerResponse>();

  private constructor(
    private readonly server: Server,
    readonly url: string,
    readonly secret: string,
  ) {}

  /** Listens on a free loopback port, or on `port` (a receiver coming back where it was). */
  static async start(secret: string, port = 0): Promise<WebhookReceiver> {
    let receiver!: WebhookReceiver;
    const server = createServer((req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', resolve);
    });
    const address = server.address();
    const bound = typeof address === 'object' && address ? address.port : 0;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${bound}/hooks`, secret);
    return receiver;
  }

  /** Requests for one outbox id. */
  attemptsOf(id: string): ReceivedWebhook[] {
    return this.received.filter((w) => w.id === id);
  }

  /** The received webhooks matching `match`. */
  matching(match: (w: ReceivedWebhook) => boolean): ReceivedWebhook[] {
    return this.received.filter(match);
  }

  /** Resolves once `count` received webhooks match (past ones count), or rejects at the deadline. */
  waitFor(match: (w: ReceivedWebhook) => boolean, count = 1, timeoutMs = 15_000): Promise<ReceivedWebhook[]> {
    const missing = count - this.received.filter(match).length;
    if (missing <= 0) return Promise.resolve(this.matching(match));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no ${count} matching webhooks in ${timeoutMs} ms; got ${JSON.stringify(this.received.map((w) => [w.id, w.type]))}`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        missing,
        resolve: () => {
          clearTimeout(timer);
          resolve(this.matching(match));
        },
      });
    });
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString();
      const signature = req.headers['x-aisle-signature'] as string | undefined;
      let parsed: { id: string; type: string; createdAt: string; data: Record<string, any> };
      try {
        parsed = JSON.parse(rawBody);
      } catch {
        res.writeHead(400).end();
        return;
      }
      const webhook: ReceivedWebhook = {
        ...parsed,
        signature,
        rawBody,
        receivedAt: Date.now(),
        signatureValid: verifyWebhookSignature(signature, rawBody, this.secret, Math.floor(Date.now() / 1000)),
      };
      this.received.push(webhook);
      const attempts = (this.attempts.get(webhook.id) ?? 0) + 1;
      this.attempts.set(webhook.id, attempts);
      const answer = this.answer(webhook, attempts);
      if (answer === 'hang') this.hanging.add(res);
      else res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
      for (let i = 0; i < this.waiters.length; i++) {
        const waiter = this.waiters[i];
        if (waiter.match(webhook) && --waiter.missing <= 0) {
          waiter.resolve();
          this.waiters.splice(i--, 1);
        }
      }
    });
  }
}
