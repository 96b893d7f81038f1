import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode } from '../../../contracts/errors.js';
import { type ClassifiedError, classifyError, logClassified } from '../../http/errors.js';
import { URN } from './schema.js';

/**
 * SCIM's error shape (RFC 7644 §3.12) for every catalogue code: `status` as a string, a `scimType`
 * where the RFC has one, and `detail` led by Portico's catalogue code (`user_upn_conflict: …`), as
 * Graph errors carry it in `details[0].code`, so programs and provisioning logs both see it.
 */

export type ScimType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

/** Codes whose SCIM answer differs from the catalogue's status, or that have a scimType. */
const SCIM_FORM: Partial<Record<ErrorCode, { status?: number; scimType?: ScimType }>> = {
  scim_filter_invalid: { scimType: 'invalidFilter' },
  odata_query_invalid: { scimType: 'invalidFilter' },
  scim_path_invalid: { scimType: 'invalidPath' },
  scim_no_target: { scimType: 'noTarget' },
  scim_bulk_id_unresolved: { scimType: 'invalidValue' },
  // Uniqueness is a conflict in SCIM (409), a 400 on Graph.
  user_upn_conflict: { status: 409, scimType: 'uniqueness' },
  user_mail_conflict: { status: 409, scimType: 'uniqueness' },
  group_mail_nickname_conflict: { status: 409, scimType: 'uniqueness' },
  group_reference_exists: { status: 409, scimType: 'uniqueness' },
  property_read_only: { scimType: 'mutability' },
  group_synced: { scimType: 'mutability' },
  group_dynamic_membership: { scimType: 'mutability' },
  request_body_malformed: { scimType: 'invalidSyntax' },
};

export interface ScimErrorBody {
  schemas: string[];
  status: string;
  scimType?: ScimType;
  detail: string;
}

export function scimError(c: ClassifiedError): { status: number; body: ScimErrorBody } {
  const form = SCIM_FORM[c.code];
  const status = form?.status ?? c.status;
  // Other 400s are a value the client sent that Portico refuses.
  const scimType = form?.scimType ?? (status === 400 ? 'invalidValue' : undefined);
  return {
    status,
    body: { schemas: [URN.error], status: String(status), ...(scimType ? { scimType } : {}), detail: `${c.code}: ${c.message}` },
  };
}

export const SCIM_JSON = 'application/scim+json; charset=utf-8';

/** Sends any thrown value as a SCIM error (the /scim/v2 surface's error handler). */
export function sendScimError(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const c = classifyError(err);
  logClassified(req, err, c);
  if (c.headers) reply.headers(c.headers);
  if (c.code === 'authentication_required') reply.header('www-authenticate', 'Bearer realm="scim"');
  const { status, body } = scimError(c);
  return reply.status(status).type(SCIM_JSON).send(body);
}
