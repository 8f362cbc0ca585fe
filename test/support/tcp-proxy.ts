// A loopback TCP proxy a test controls: it can hold back what clients send (the bytes wait in the
// proxy) and let it through later, to make a node's database statements arrive late.
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
  close(): Promise<void>;
}

/** Proxies 127.0.0.1:<port> to 127.0.0.1:`targetPort`. */
export async function startTcpProxy(targetPort: number): Promise<TcpProxy> {
  let paused = false;
  const held: { socket: net.Socket; chunk: Buffer }[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: '127.0.0.1', port: targetPort });
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => {
      if (paused) held.push({ socket: upstream, chunk });
      else upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    const end = (): void => {
      client.destroy();
      upstream.destroy();
    };
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
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
