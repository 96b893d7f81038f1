import type { FastifyReply } from 'fastify';
import { esc, page } from '../../http/pages.js';

/** Same-origin script that submits the Response form (served at /saml2/post.js). */
export const POST_SCRIPT = "'use strict';var f=document.getElementById('saml-post');if(f){f.submit();}\n";

/**
 * The HTML page that posts a SAML message (HTTP-POST binding): a Response to the ACS, or a logout message: a same-origin script
 * submits the form; without script the user presses Continue.
 */
export function sendSamlPost(
  reply: FastifyReply,
  p: {
    heading: string;
    acs: string;
    samlResponseXml: string;
    relayState: string | undefined;
    /** The form field: a Response or LogoutResponse (default), or a LogoutRequest. */
    field?: 'SAMLResponse' | 'SAMLRequest';
  },
) {
  const samlResponse = Buffer.from(p.samlResponseXml, 'utf8').toString('base64');
  const fields =
    `<input type="hidden" name="${p.field ?? 'SAMLResponse'}" value="${esc(samlResponse)}">` +
    (p.relayState ? `<input type="hidden" name="RelayState" value="${esc(p.relayState)}">` : '');
  const body = `<h1>${esc(p.heading)}</h1>
<form id="saml-post" method="post" action="${esc(p.acs)}">${fields}
<p class="muted">If nothing happens, select Continue.</p><button type="submit">Continue</button></form>
<script src="/saml2/post.js"></script>`;
  return reply
    .code(200)
    .header('cache-control', 'no-store')
    .header('pragma', 'no-cache')
    .header('x-frame-options', 'DENY')
    .header(
      'content-security-policy',
      "default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
    )
    .header('referrer-policy', 'no-referrer')
    .type('text/html; charset=utf-8')
    .send(page(p.heading, body));
}
