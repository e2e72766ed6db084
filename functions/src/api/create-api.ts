import type { AppMetrics } from '@brainbytes/telemetry/metrics';
import type { Logger } from '@brainbytes/telemetry/service';
import type { AskTutor } from '../ai/client';
import type { Database } from '../data/database';
import { createApiApp } from './app';
import { TokenSigner } from './auth';
import type { ApiConfig } from './config';
import { Learning } from './learning';
import { RateLimits } from './rate-limits';
import { type SendSignupMail, smtpSignupMail } from './signup-mail';
import { SpendCeiling } from './spend-ceiling';
import { Students } from './students';

/** The API as every runtime serves it (local server, Heroku dyno, Lambda): one wiring, from its config. */
export function createApi({
  config,
  db,
  askTutor,
  logger,
  metrics,
  sendSignupMail,
}: {
  /** How sign-up mail is sent (API_SIGNUP_SMTP_URL's server unless given). */
  sendSignupMail?: SendSignupMail;
  config: ApiConfig;
  db: Database;
  askTutor: AskTutor;
  logger: Logger;
  metrics?: AppMetrics;
}) {
  const limits = new RateLimits(db, config.rateLimits, metrics);
  const app = createApiApp({
    db,
    students: new Students(
      db,
      new TokenSigner(config.authSecret),
      config.tokenTtlHours,
      limits,
      metrics,
      config.deviceTokenDays,
      config.signupMail && {
        send: sendSignupMail ?? smtpSignupMail(config.signupMail),
        codeMinutes: config.signupMail.codeMinutes,
      },
    ),
    learning: new Learning(db, askTutor, metrics, new SpendCeiling(db, config.spendCeiling)),
    limits,
    logger,
    metrics,
    rumPerMinute: config.rumPerMinute,
    trustProxyHops: config.trustProxyHops,
    proxySecret: config.proxySecret,
  });
  return { app, limits };
}
