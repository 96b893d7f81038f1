import net from 'node:net';

/**
 * A TCP relay on 127.0.0.1 in front of a server (here PostgreSQL or PgBouncer) that a test can cut:
 * `cut()` drops every relayed connection and refuses new ones, as a database that restarts or a
 * network that fails does; `restore()` lets connections through again. The listening port stays.
 */
export interface TcpProxy {
  readonly port: number;
  /** Local ports of the relay's connections to the server (pg_stat_activity.client_port). */
  upstreamPorts(): number[];
  cut(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const pairs = new Set<[net.Socket, net.Socket]>();
  let refusing = false;
  const server = net.createServer((client) => {
    if (refusing) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    const pair: [net.Socket, net.Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  const cut = () => {
    refusing = true;
    for (const [c, u] of pairs) {
      c.destroy();
      u.destroy();
    }
    pairs.clear();
  };
  return {
    port,
    upstreamPorts: () => [...pairs].map(([, up]) => up.localPort).filter((p): p is number => typeof p === 'number'),
    cut,
    restore() {
      refusing = false;
    },
    async close() {
      cut();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
