import type { FastifyReply } from 'fastify';
import type { ServicePrincipal } from '../../contracts/applications.js';
import type { Config } from '../config/index.js';
import { esc, sendPage } from './pages.js';

export const NO_ACCESS_MESSAGES = {
  title: (app: string) => `You don't have access to ${app}`,
  body: 'Your account is not assigned to this application. Ask your administrator or the owner of the application to give you access.',
  unknownApp: 'this application',
} as const;

/**
 * The page a user sees instead of a token or an assertion when an application requires assignment
 * and they are not assigned (entra-behaviour.md §7.6): HTTP 403, the application's name, a link
 * to My Apps and, when the application allows self-service requests, a **Request access** link.
 */
export function sendNoAccessPage(reply: FastifyReply, config: Pick<Config, 'publicUrl'>, sp: ServicePrincipal | undefined) {
  const name = sp?.displayName ?? NO_ACCESS_MESSAGES.unknownApp;
  const title = NO_ACCESS_MESSAGES.title(name);
  const request =
    sp?.selfServiceAccess.enabled === true
      ? `<p><a href="${esc(`${config.publicUrl}/myapps?request=${encodeURIComponent(sp.appId)}`)}">Request access</a></p>`
      : '';
  return sendPage(
    reply,
    403,
    title,
    `<h1>${esc(title)}</h1>
<p class="error" role="alert">${esc(NO_ACCESS_MESSAGES.body)}</p>
${request}<p><a href="${esc(`${config.publicUrl}/myapps`)}">Go to My Apps</a></p>`,
  );
}
