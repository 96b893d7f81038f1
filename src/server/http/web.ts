import fs from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import helmet from 'helmet';
import type { Config } from '../config/index.js';
import { page } from './pages.js';

/** Client-side routes of the SPA: each answers with index.html and the router takes over. */
export const SPA_PATHS = [
  '/admin',
  '/admin/*',
  '/myapps',
  '/myapps/*',
  '/mygroups',
  '/mygroups/*',
  '/auth/callback',
  '/auth/signed-out',
];

/**
 * Where `vite build` put the SPA: `<checkout>/dist/web`, three levels above this file both when it
 * runs compiled (`dist/server/http`) and from source with tsx (`src/server/http`).
 */
export function findWebRoot(): string | undefined {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../dist/web');
  return fs.existsSync(path.join(dir, 'index.html')) ? dir : undefined;
}

/**
 * Security headers for every response (helmet). The CSP lets the SPA run from its own origin only:
 * scripts from 'self', Mantine's inline styles, API calls to 'self', no framing. Server-rendered
 * pages that need something stricter set their own header.
 *
 * The configuration is static (no per-request nonces), so helmet runs once at start against a
 * recording response and every request gets the recorded headers: @fastify/helmet would build and
 * run helmet's middleware again for each request (parsing the CSP directives each time).
 */
export async function registerSecurityHeaders(app: FastifyInstance, config: Pick<Config, 'publicUrl'>): Promise<void> {
  const headers = securityHeaders(config.publicUrl.startsWith('https://'));
  app.addHook('onRequest', (_req, reply, done) => {
    reply.headers(headers);
    done();
  });
}

/** The headers helmet sets with Portico's configuration, recorded once. */
export function securityHeaders(https: boolean): Record<string, string> {
  const recorded: Record<string, string> = {};
  const recorder = {
    setHeader(name: string, value: string | number | readonly string[]) {
      recorded[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
    },
    removeHeader(name: string) {
      delete recorded[name.toLowerCase()];
    },
  };
  const middleware = helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        connectSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
        ...(https ? { upgradeInsecureRequests: [] } : {}),
      },
    },
    // HSTS only means something over https; on plain http (development) it is left out.
    strictTransportSecurity: https ? { maxAge: 15552000, includeSubDomains: false } : false,
  });
  middleware({} as IncomingMessage, recorder as unknown as ServerResponse, (err?: unknown) => {
    if (err) throw err;
  });
  return recorded;
}

const webRoute = { schema: { tags: ['web'], summary: 'Web app (portal and admin center): index.html' } };

const NOT_BUILT = page(
  'Portico web app not built',
  `<h1>The web app is not built yet</h1>
<p>Portico's API and sign-in are running, but the portal and admin center have not been built in this checkout.</p>
<p>Run <code>npm run build</code> (or <code>npm install</code>), then reload this page.</p>`,
);

/**
 * Serves the React SPA (portal at /myapps and /mygroups, admin center at /admin) from the same
 * process as the API. Hashed assets are cached for a year; index.html is revalidated every time,
 * so a new deployment is picked up on the next page load.
 */
export async function webRoutes(app: FastifyInstance, opts: { root?: string | null } = {}): Promise<void> {
  // `root: null` means "not built" (tests); undefined looks for dist/web.
  const root = opts.root === undefined ? findWebRoot() : (opts.root ?? undefined);

  app.get('/', { schema: { tags: ['web'], summary: 'Redirects to the portal (/myapps)' } }, async (_req, reply) =>
    reply.redirect('/myapps', 302),
  );

  if (!root) {
    app.log.warn('dist/web is missing: run `npm run build` to build the web app');
    for (const url of SPA_PATHS) {
      app.get(url, webRoute, async (_req, reply) =>
        reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT),
      );
    }
    return;
  }

  const indexFile = path.join(root, 'index.html');
  const sendIndex = async (reply: FastifyReply) => {
    let html: string;
    try {
      html = await fs.promises.readFile(indexFile, 'utf8');
    } catch {
      return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT);
    }
    return reply.header('cache-control', 'no-cache').type('text/html; charset=utf-8').send(html);
  };
  for (const url of SPA_PATHS) app.get(url, webRoute, async (_req, reply) => sendIndex(reply));

  // Vite names every asset after its content hash: safe to cache for good.
  await app.register(fastifyStatic, {
    root: path.join(root, 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    immutable: true,
    maxAge: '365d',
    schemaHide: false,
  });
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * A development server is reachable as localhost, 127.0.0.1 and [::1], but sign-in redirect URIs
 * and cookies belong to one of them: the public URL. A browser page opened under another loopback
 * spelling of the same port is sent to the public URL first, instead of ending in an
 * `invalid_redirect_uri` page. Only HTML navigations (GET/HEAD asking for text/html), and only when
 * the public URL itself is on loopback: APIs and production hosts are never redirected.
 */
export function registerLoopbackRedirect(app: FastifyInstance, config: Pick<Config, 'publicUrl'>): void {
  const pub = new URL(config.publicUrl);
  if (!LOOPBACK.has(pub.hostname)) return;
  const port = pub.port || (pub.protocol === 'https:' ? '443' : '80');
  app.addHook('onRequest', async (req, reply) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return;
    if (!String(req.headers.accept ?? '').includes('text/html')) return;
    const host = req.headers.host;
    if (!host || host === pub.host) return;
    const m = /^(localhost|127\.0\.0\.1|\[::1\])(?::(\d+))?$/i.exec(host);
    if (!m || (m[2] ?? (req.protocol === 'https' ? '443' : '80')) !== port) return;
    return reply.redirect(`${config.publicUrl}${req.url}`, 302);
  });
}
