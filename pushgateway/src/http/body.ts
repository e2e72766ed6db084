import { isUtf8 } from 'node:buffer';
import type { IncomingMessage } from 'node:http';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { HttpError as SharedHttpError } from '@brainbytes/telemetry/service/http-error';
import { readLimited } from '@brainbytes/telemetry/service/http-server';
import { HttpError } from './http-error';

const gunzip = promisify(zlib.gunzip);

const tooLarge = (limit: number, what: string) =>
  new HttpError(413, `${what} is larger than ${limit} bytes (PUSHGATEWAY_MAX_BODY_BYTES)`, 'body_size');

/** Label values must be valid UTF-8 (as in Prometheus): decoding replacement characters would merge distinct values. */
function utf8(bytes: Buffer): string {
  if (!isUtf8(bytes)) throw new HttpError(400, 'body is not valid UTF-8');
  return bytes.toString('utf8');
}

/**
 * Reads a request body of at most `limit` bytes, inflating `Content-Encoding: gzip` to at most
 * `limit` bytes as well: a zip bomb stops inflating at the limit instead of filling memory.
 */
export async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return utf8(await readBodyBytes(req, limit));
}

/** The body's bytes, read and inflated within `limit` as readBody does (protobuf pushes). */
export async function readBodyBytes(req: IncomingMessage, limit: number): Promise<Buffer> {
  const raw = await readLimited(req, limit, 'PUSHGATEWAY_MAX_BODY_BYTES').catch((error: unknown) => {
    // Counted as a refusal for its size (pushgateway_push_refusals_total{reason="body_size"}).
    throw error instanceof SharedHttpError ? new HttpError(error.status, error.message, 'body_size') : error;
  });
  const encoding = String(req.headers['content-encoding'] ?? 'identity')
    .trim()
    .toLowerCase();
  if (encoding === 'identity' || encoding === '') return raw;
  if (encoding !== 'gzip' && encoding !== 'x-gzip') {
    throw new HttpError(415, `unsupported Content-Encoding "${encoding}"; send identity or gzip`);
  }
  try {
    return await gunzip(raw, { maxOutputLength: limit });
  } catch (error) {
    if (error instanceof HttpError) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw tooLarge(limit, 'inflated gzip body');
    throw new HttpError(400, `body is not valid gzip: ${(error as Error).message}`);
  }
}
