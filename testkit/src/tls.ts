import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';

/**
 * A private CA in `dir` (openssl, EC P-256), and certificates for 127.0.0.1 it signs: what a TLS
 * front with its own CA serves, for the probes' tests and the rehearsal's HTTPS front.
 */
export interface TestCa {
  /** The CA's certificate (PEM): what a client must trust. */
  caFile: string;
  /** A certificate for 127.0.0.1 valid `days` from now: its key and certificate files. */
  issue(days: number): { key: string; cert: string };
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

export function testCa(dir: string, name = 'BrainBytes test CA'): TestCa {
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'ignore' });
  openssl(
    'req',
    '-x509',
    ...EC,
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '365',
    '-subj',
    `/CN=${name}`,
  );
  writeFileSync(path.join(dir, 'san.ext'), 'subjectAltName=IP:127.0.0.1\n');
  let n = 0;
  return {
    caFile: path.join(dir, 'ca.pem'),
    issue(days) {
      const base = `leaf-${++n}-${days}d`;
      openssl('req', ...EC, '-keyout', `${base}.key`, '-out', `${base}.csr`, '-subj', '/CN=127.0.0.1');
      openssl(
        'x509',
        '-req',
        '-in',
        `${base}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-out',
        `${base}.pem`,
        '-days',
        String(days),
        '-extfile',
        'san.ext',
      );
      return { key: path.join(dir, `${base}.key`), cert: path.join(dir, `${base}.pem`) };
    },
  };
}
