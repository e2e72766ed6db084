import type { IncomingMessage } from 'node:http';
import { credentialDigest, HttpError, presentedDigest, sameDigest } from '@brainbytes/telemetry/service';
import type { Credential } from './config';

export { HttpError };

/** True when the request carries exactly these basic-auth credentials (constant-time compare). */
export function hasCredentials(req: IncomingMessage, credential: Credential): boolean {
  return sameDigest(
    presentedDigest(req.headers.authorization).digest,
    credentialDigest(`${credential.user}:${credential.password}`),
  );
}
