// A loopback TCP proxy a test controls: it can hold back one statement (the bytes of the connection
// that sends it wait in the proxy) and let it through later, to make a node's commit arrive late while
// its other connections, and new ones, work as usual; and it can cut
// the connection that carries one statement, before the statement reaches the server or after the
// server has answered it (Postgres: ReadyForQuery, so the statement has committed), so that the
// client never hears how it ended.
import net from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  port: number;
  /**
   * Holds the next connection whose client sends bytes containing `marker`: those bytes and all that
   * connection sends after them wait in the proxy. Resolves once they are held.
   */
  holdStatement(marker: string): Promise<void>;
  /** Forwards what was held, then everything as it comes. */
  release(): void;
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
  let hold: { marker: Buffer; done: () => void } | null = null;
  let cut: { marker: Buffer; when: 'before' | 'after-commit'; done: () => void } | null = null;
  const held: { socket: net.Socket; chunk: Buffer; unhold: () => void }[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    let doomed: (() => void) | null = null;
    let holding = false;
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
      if (hold && chunk.includes(hold.marker)) {
        hold.done();
        hold = null;
        holding = true;
        held.push({ socket: upstream, chunk, unhold: () => void (holding = false) });
      } else if (holding) held.push({ socket: upstream, chunk, unhold: () => void (holding = false) });
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
    holdStatement: (marker) => new Promise<void>((done) => (hold = { marker: Buffer.from(marker), done })),
    release: () => {
      for (const { socket, chunk, unhold } of held.splice(0)) {
        unhold();
        socket.write(chunk);
      }
    },
    cutOnStatement: (marker, when) => new Promise<void>((done) => (cut = { marker: Buffer.from(marker), when, done })),
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** A proxy in front of the Postgres that `databaseUrl` names, and the same database's URL through it. */
export async function proxyDatabase(databaseUrl: string): Promise<{ proxy: TcpProxy; url: string }> {
  const url = new URL(databaseUrl);
  const proxy = await startTcpProxy(Number(url.port || 5432));
  url.port = String(proxy.port);
  return { proxy, url: url.toString() };
}
