/**
 * The service kit every process shares: settings read one way, the HTTP server's edge (a body
 * within a limit, errors answered once), the JSON logger, basic-auth checks.
 * `@brainbytes/telemetry/service`.
 */
export { credentialDigest, presentedDigest, sameDigest } from './basic-auth';
export { ConfigError, configOrExit } from './config-error';
export { HttpError, type HttpErrorDetails } from './http-error';
export { createLogger, LOG_LEVELS, type Logger, type LogLevel, redact } from './logger';
export {
  type Credential,
  credentialSetting,
  credentialsSetting,
  durationSetting,
  type Env,
  type Environment,
  environmentSetting,
  hostSetting,
  logLevelSetting,
  numberSetting,
  platformOf,
  portSetting,
} from './settings';
export { onStopSignal } from './stop-signals';
export { splitUrlCredentials } from './url-credentials';
