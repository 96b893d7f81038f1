import type { FastifyInstance } from 'fastify';

/**
 * The /v1.0 route table as Graph's URL resolution sees it, for the answers Fastify's router cannot
 * give: which segment of an unknown path is the first one no resource has (Graph: 400 "Resource
 * not found for the segment 'x'."), and which methods a known path allows (405 with `Allow`).
 * Static segments compare case-insensitively, as the router does (`caseSensitive: false`).
 */

/** What an unmatched request is, in Graph's terms. */
export type Unmatched = { kind: 'segment'; segment: string } | { kind: 'method'; allow: string[] };

const PARAM = ':';
const REST = '*';

const patternOf = (url: string): string[] =>
  url
    .split('/')
    .filter((s) => s !== '')
    .map((s) => (s.startsWith(':') ? PARAM : s === '*' ? REST : s.toLowerCase()));

function decodeSegment(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

export class GraphRouteTable {
  private readonly routes = new Map<string, { pattern: string[]; methods: Set<string> }>();

  /** Records the routes of `scope` and its children as they are added (call before registering them). */
  observe(scope: FastifyInstance): void {
    scope.addHook('onRoute', (route) => {
      for (const method of [route.method].flat()) this.add(method, route.url ?? route.path);
    });
  }

  add(method: string, url: string): void {
    const pattern = patternOf(url);
    const key = pattern.join('/');
    const entry = this.routes.get(key) ?? { pattern, methods: new Set<string>() };
    entry.methods.add(method.toUpperCase());
    this.routes.set(key, entry);
  }

  /** Resolves the path of a request no route answered (query string allowed). */
  resolve(url: string): Unmatched {
    // Route urls carry the scope's prefix (`/v1.0/users`), so the whole path is matched.
    const segments = (url.split('?')[0] ?? url).split('/').filter((s) => s !== '');
    let candidates = [...this.routes.values()];
    for (const [i, raw] of segments.entries()) {
      const seg = decodeSegment(raw).toLowerCase();
      const rest = candidates.filter((r) => r.pattern[i] === REST);
      if (rest.length > 0 && rest.length === candidates.length) break;
      const next = candidates.filter((r) => r.pattern[i] === REST || r.pattern[i] === PARAM || r.pattern[i] === seg);
      if (next.length === 0) return { kind: 'segment', segment: decodeSegment(raw) };
      candidates = next;
    }
    const whole = candidates.filter((r) => r.pattern.length === segments.length || r.pattern.at(-1) === REST);
    if (whole.length === 0) {
      const last = segments.at(-1) ?? '';
      return { kind: 'segment', segment: decodeSegment(last) };
    }
    // As the router: a static segment wins over a parameter (`/users/delta` over `/users/:id`).
    const statics = (r: { pattern: string[] }) => r.pattern.filter((p) => p !== PARAM && p !== REST).length;
    const best = Math.max(...whole.map(statics));
    const allow = new Set<string>();
    for (const r of whole) if (statics(r) === best) for (const m of r.methods) allow.add(m);
    return { kind: 'method', allow: [...allow].sort() };
  }
}
