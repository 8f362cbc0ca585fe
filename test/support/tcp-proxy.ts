// A loopback TCP proxy a test controls: it can hold back what clients send (the bytes wait in the
// proxy) and let it through later, to make a node's database statements arrive late; and it can cut
// the connection that carries one statement, before the statement reaches the server or after the
// server has answered it (Postgres: ReadyForQuery, so the statement has committed), so that the
// client never hears how it ended.
import net from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  port: number;
  /** Stops forwarding client → target; bytes are kept. */
  pause(): void;
  /** Forwards what was kept, then everything as it comes. */
  resume(): void;
  /** Bytes kept while paused. */
  heldBytes(): number;
  /**
   * Cuts the next connection whose client sends bytes containing `marker`: `before` the server gets
   * them, or `after-commit`: the bytes go through, the server's answer up to its ReadyForQuery is
   * swallowed, then both sides are cut. Resolves when the cut is done.
   */
  cutOnStatement(marker: string, when: 'before' | 'after-commit'): Promise<void>;
  close(): Promise<void>;
}

/** Postgres's ReadyForQuery message header: type 'Z', length 5. */
const READY_FOR_QUERY = Buffer.from([0x5a, 0, 0, 0, 5]);

/** Proxies 127.0.0.1:<port> to 127.0.0.1:`targetPort`. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let paused = false;
  let cut: { marker: Buffer; when: 'before' | 'after-commit'; done: () => void } | null = null;
  const held: { socket: net.Socket; chunk: Buffer }[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    let doomed: (() => void) | null = null;
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk: Buffer) => {
      if (cut && chunk.includes(cut.marker)) {
        const { when, done } = cut;
        cut = null;
        if (when === 'before') {
          end();
          done();
          return;
        }
        doomed = done;
      }
      if (paused) held.push({ socket: upstream, chunk });
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      if (doomed) {
        // ReadyForQuery ('Z', length 5): the statement and its implicit commit are over.
        if (chunk.includes(READY_FOR_QUERY)) {
          end();
          doomed();
          doomed = null;
        }
        return;
      }
      client.write(chunk);
    });
    client.on('error', end).on('close', end);
    upstream.on('error', end).on('close', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address() as net.AddressInfo;
  return {
    port: address.port,
    pause: () => void (paused = true),
    resume: () => {
      paused = false;
      for (const { socket, chunk } of held.splice(0)) socket.write(chunk);
    },
    heldBytes: () => held.reduce((n, h) => n + h.chunk.length, 0),
    cutOnStatement: (marker, when) => new Promise<void>((done) => (cut = { marker: Buffer.from(marker), when, done })),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
