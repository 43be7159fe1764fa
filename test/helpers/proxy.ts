// A TCP proxy in front of an apiserver whose connections a test can cut, as a network
// failure or a load balancer restart would: clients see their sockets close mid-stream.
import net from 'node:net';

export interface CuttableProxy {
  /** The apiserver's URL through the proxy. */
  url: string;
  /** Destroys every open connection (new ones are accepted). */
  cut(): void;
  /** Cuts every connection and refuses new ones until `heal()`: the apiserver is unreachable. */
  partition(): void;
  heal(): void;
  close(): Promise<void>;
}

export async function startProxy(targetUrl: string): Promise<CuttableProxy> {
  const target = new URL(targetUrl);
  const sockets = new Set<net.Socket>();
  let partitioned = false;
  const server = net.createServer((client) => {
    if (partitioned) return void client.destroy();
    const upstream = net.connect(Number(target.port), target.hostname);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const cut = () => {
    for (const s of sockets) s.destroy();
  };
  return {
    url: `${target.protocol}//127.0.0.1:${port}${target.pathname}`,
    cut,
    partition() {
      partitioned = true;
      cut();
    },
    heal() {
      partitioned = false;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
