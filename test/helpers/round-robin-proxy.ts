import http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small HTTP load balancer for scale-out tests: forwards each request to the next backend in
 * turn (round robin), or to one backend while `pin(i)` holds, and records which backend answered
 * what. The Host header is passed through, as a load balancer in front of Portico does.
 */
export interface RoundRobinProxy {
  readonly port: number;
  readonly url: string;
  /** Backend base URLs (`http://127.0.0.1:port`); settable after the proxy listens. */
  backends: string[];
  /** Sends every following request to backend `i` (undefined: round robin again). */
  pin(i: number | undefined): void;
  /** `[backend index, method, path]` of every forwarded request, in order. */
  readonly log: [number, string, string][];
  close(): Promise<void>;
}

export async function startRoundRobinProxy(backends: string[] = []): Promise<RoundRobinProxy> {
  let next = 0;
  let pinned: number | undefined;
  const log: [number, string, string][] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const proxy: Omit<RoundRobinProxy, 'port' | 'url'> & { port: number; url: string } = {
    port: 0,
    url: '',
    backends,
    pin(i) {
      pinned = i;
    },
    log,
    close: async () => {
      agent.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
  const server = http.createServer((req, res) => {
    if (proxy.backends.length === 0) {
      res.writeHead(503).end();
      return;
    }
    const i = pinned ?? next++ % proxy.backends.length;
    const target = new URL(proxy.backends[i] ?? '');
    log.push([i, req.method ?? 'GET', req.url ?? '/']);
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, 'x-forwarded-for': req.socket.remoteAddress ?? '' },
        agent,
      },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.port = (server.address() as AddressInfo).port;
  proxy.url = `http://127.0.0.1:${proxy.port}`;
  return proxy;
}
