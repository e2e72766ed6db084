import { readFileSync } from 'node:fs';
import bcrypt from 'bcryptjs';
import { stringify } from 'yaml';

/**
 * The `--web.config.file` Prometheus and Alertmanager read on a public dyno: HTTP basic auth for
 * every endpoint (the API, /metrics, silences), the password kept only as a bcrypt hash
 * (https://prometheus.io/docs/prometheus/latest/configuration/https/).
 */
export function webConfigYaml(user: string, passwordFile: string, cost = 10): string {
  const password = readFileSync(passwordFile, 'utf8');
  if (password.length < 12) throw new Error(`the password in ${passwordFile} must be at least 12 characters`);
  return stringify({ basic_auth_users: { [user]: bcrypt.hashSync(password, cost) } });
}
