import { Client, type Context, HTTPMessageHandler, type Middleware } from '@microsoft/microsoft-graph-client';
import { buildTestApp, type TestApp } from './app.js';
import { freePort } from './oidc.js';

/**
 * Puts the bearer token on every request of Microsoft's Graph JavaScript client: its own auth
 * handler skips hosts that are not https (stack-notes §6), and these tests talk http to loopback.
 */
export class BearerMiddleware implements Middleware {
  private nextMiddleware: Middleware | undefined;
  constructor(private readonly token: () => string) {}
  async execute(context: Context): Promise<void> {
    const headers = new Headers((context.options?.headers as ConstructorParameters<typeof Headers>[0]) ?? {});
    headers.set('Authorization', `Bearer ${this.token()}`);
    context.options = { ...context.options, headers };
    if (!this.nextMiddleware) throw new Error('middleware chain has no next handler');
    return this.nextMiddleware.execute(context);
  }
  setNext(next: Middleware): void {
    this.nextMiddleware = next;
  }
}

/**
 * A test app listening on a free loopback port (http), and Microsoft's Graph client on it signed in
 * as the app's Global Administrator: the setup of every test that drives Portico with graph-client.
 */
export async function listeningWithGraphClient(): Promise<{ t: TestApp; base: string; client: Client }> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const t = await buildTestApp({ env: { PORTICO_PUBLIC_URL: base, PORT: String(port), PORTICO_OUTBOX_WORKER: 'off' } });
  await t.app.listen({ port, host: '127.0.0.1' });
  const auth = new BearerMiddleware(() => t.admin.token);
  auth.setNext(new HTTPMessageHandler());
  const client = Client.initWithMiddleware({ baseUrl: `${base}/`, defaultVersion: 'v1.0', middleware: auth });
  return { t, base, client };
}
