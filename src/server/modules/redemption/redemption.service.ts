import type { Config } from '../../config/index.js';
import type { Executor } from '../../db/index.js';
import type { Clock } from '../../domain/clock.js';
import type { IdGenerator } from '../../domain/ids.js';
import { createOtpService } from './otp.service.js';
import { createRedeemCookieCodec } from './redeem-cookie.js';

export interface RedemptionDeps {
  db: Executor;
  config: Config;
  clock: Clock;
  newId: IdGenerator;
  /** Instance secrets: HMAC key of stored passcodes, signing key of the redeem cookie. */
  otpKey: string;
  cookieKey: string;
}

/**
 * Redemption plumbing shared by the redeem-link routes and the sign-in interaction: e-mail
 * one-time passcodes and the signed cookie that carries a started redemption. The redemption
 * itself (state change, identity, audit) is `RedemptionsService.completeRedemption`.
 */
export function createRedemptionService(deps: RedemptionDeps) {
  return {
    otp: createOtpService({ db: deps.db, config: deps.config, clock: deps.clock, newId: deps.newId, key: deps.otpKey }),
    cookie: createRedeemCookieCodec(deps.cookieKey, deps.clock),
  };
}
