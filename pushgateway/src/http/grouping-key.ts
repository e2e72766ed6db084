import { isLabelName, isReservedLabelName } from '../exposition/names';
import { labelNameTooLong, labelValueTooLong, type ParseLimits } from '../exposition/parse';
import type { Labels } from '../exposition/types';
import { badRequest } from './http-error';

// URL-safe base64 as the official gateway takes it: padding optional, `=` alone for the empty value.
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

function decodeBase64(value: string, what: string): string {
  const bare = value.replace(/=+$/, '');
  if (!BASE64URL.test(value) || bare.length % 4 === 1) {
    throw badRequest(`invalid base64 encoding in ${what}: "${value}" is not URL-safe base64 (RFC 4648 §5)`);
  }
  try {
    // Fatal: two different invalid byte strings would both decode to U+FFFD and name one group.
    return UTF8.decode(Buffer.from(bare, 'base64url'));
  } catch {
    throw badRequest(`${what} is not valid UTF-8 once decoded from base64`);
  }
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeComponent(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    throw badRequest(`malformed percent-encoding in path component "${raw}"`);
  }
}

const useBase64 = (name: string, why: string) =>
  badRequest(
    `${why} for label "${name}" in the plain path; encode the value as URL-safe base64 and use "${name}@base64/<value>" ` +
      '(an empty value is "=")',
  );

/**
 * Grouping labels from the path after `/metrics/`: `job/<job>{/<label>/<value>}`, any name may
 * carry `@base64`. The path is split before percent-decoding, so an encoded `/` cannot move labels.
 */
export function parseGroupingKey(
  rawPath: string,
  limits: Pick<ParseLimits, 'maxLabelNameLength' | 'maxLabelValueLength'>,
): Labels {
  const parts = rawPath.split('/');
  if (parts.length % 2 !== 0) {
    throw badRequest(`odd number of components in label string "/${parts.slice(2).join('/')}"`);
  }
  const labels = new Map<string, string>();
  for (let i = 0; i < parts.length; i += 2) {
    let name = decodeComponent(parts[i]!);
    let value = decodeComponent(parts[i + 1]!);
    const base64 = name.endsWith('@base64');
    if (base64) {
      name = name.slice(0, -'@base64'.length);
      value = decodeBase64(value, i === 0 ? 'job name' : `value of label "${name}"`);
    }
    if (i === 0 && name !== 'job') throw badRequest('the path must start with /metrics/job/<job name>');
    if (!isLabelName(name) || isReservedLabelName(name)) throw badRequest(`improper label name "${name}"`);
    if (!base64 && value === '') {
      if (i === 0)
        throw badRequest('job name is required; give it after /metrics/job/ (use job@base64/= for none)');
      throw useBase64(name, 'empty value');
    }
    if (!base64 && value.includes('/')) throw useBase64(name, 'a "/" in the value');
    if (i === 0 && value === '') throw badRequest('job name is required');
    if (labels.has(name)) throw badRequest(`label "${name}" is given twice in the path`);
    if (name.length > limits.maxLabelNameLength)
      throw labelNameTooLong(name, 'the path', limits.maxLabelNameLength);
    if (value.length > limits.maxLabelValueLength)
      throw labelValueTooLong(name, 'the path', limits.maxLabelValueLength);
    labels.set(name, value);
  }
  return [...labels];
}
