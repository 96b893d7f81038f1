import type { Context, Middleware } from '@microsoft/microsoft-graph-client';

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
