import type { IncomingMessage, ServerResponse } from 'node:http';
import { credentialDigest, HttpError, presentedDigest, sameDigest } from '@brainbytes/telemetry';
import type { Credential } from './config';

export { HttpError };

/** True when the request carries exactly these basic-auth credentials (constant-time compare). */
export function hasCredentials(req: IncomingMessage, credential: Credential): boolean {
  return sameDigest(
    presentedDigest(req.headers.authorization).digest,
    credentialDigest(`${credential.user}:${credential.password}`),
  );
}

export async function readLimited(req: IncomingMessage, limit: number): Promise<Buffer> {
  if (Number(req.headers['content-length']) > limit)
    throw new HttpError(413, `body is larger than ${limit} bytes (HEROKU_DRAIN_MAX_BODY_BYTES)`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit)
      throw new HttpError(413, `body is larger than ${limit} bytes (HEROKU_DRAIN_MAX_BODY_BYTES)`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}

export function send(
  res: ServerResponse,
  status: number,
  body: string,
  headers: Record<string, string> = {},
) {
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': Buffer.byteLength(body),
    ...headers,
  });
  res.end(body);
}
