import type { ServicePrincipal } from '../../../contracts/applications.js';
import type { ErrorCode } from '../../../contracts/errors.js';
import { DomainError } from '../../domain/errors.js';
import type { Tenant } from '../../modules/tenants/tenants.service.js';
import type { SamlStatus } from './response.js';

/** Where an error Response goes: a request understood well enough to be answered at its ACS. */
export interface SamlReplyTo {
  tenant: Tenant;
  sp: ServicePrincipal;
  /** The assertion consumer service URL, already checked against the application's reply URLs. */
  acs: string;
  /** The AuthnRequest's ID (absent for IdP-initiated sign-on). */
  inResponseTo: string | undefined;
  relayState: string | undefined;
}

/**
 * A refusal the SAML surface answers with a SAML Response carrying a non-Success status, posted to
 * the SP's ACS — because the request named a known application and one of its registered reply
 * URLs. Errors about the request itself (unknown issuer, foreign ACS, malformed XML) are plain
 * DomainErrors and render as HTML pages: their ACS cannot be trusted.
 */
export class SamlStatusError extends DomainError {
  constructor(
    code: ErrorCode,
    readonly replyTo: SamlReplyTo,
    readonly samlStatus: SamlStatus,
    message?: string,
  ) {
    super(code, message);
    this.name = 'SamlStatusError';
  }
}
