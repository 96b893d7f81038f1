import type { Config } from '../config/index.js';

/** The issuer of a tenant: the public URL itself for the default tenant, `<public>/<tenantId>` otherwise. */
export const issuerUrl = (config: Pick<Config, 'publicUrl'>, tenant: { id: string; isDefault: boolean }): string =>
  tenant.isDefault ? config.publicUrl : `${config.publicUrl}/${tenant.id}`;

/** Audience of access tokens for the Graph-compatible API. */
export const graphResource = (config: Pick<Config, 'publicUrl'>): string => `${config.publicUrl}/v1.0`;
