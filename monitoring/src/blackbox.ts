import { ConfigError } from '@brainbytes/telemetry/service/config-error';
import { durationSetting, type Env } from '@brainbytes/telemetry/service/settings';
import type { ScrapeTarget } from './config';
import { target } from './settings';

/**
 * Black-box probes of every public entry the README deploys, by Debian's
 * prometheus-blackbox-exporter: what a student (or a phone on the other side of the world) sees,
 * whatever the processes say about themselves. Each entry's base URL is a setting, so the same
 * rendering probes 127.0.0.1 under `npm start` and the public addresses in production.
 */
/** The scrape job of the probes: probe_success and the rest carry job="blackbox". */
export const PROBE_JOB = 'blackbox';

export interface ProbeEntry {
  /** The public entry (a bounded label): web, api, lambda-api, pushgateway, heroku-exporter. */
  entry: string;
  /** The full URL probed. */
  url: string;
  /** The blackbox module: what a good answer looks like. */
  module: string;
}

export interface ProbeConfig {
  /** BLACKBOX_EXPORTER_TARGET: where the exporter runs (beside Prometheus); none, nothing is probed. */
  exporter?: ScrapeTarget;
  entries: ProbeEntry[];
  /** SYNTHETIC_JOURNEY_SLOW_SECONDS (default 20): SyntheticJourneySlow above it. */
  journeySlowSeconds: number;
  /**
   * BLACKBOX_CA_FILE: a PEM of the CAs the TLS probes trust instead of the system's (a private
   * front's own CA); none, the system's, as a phone's.
   */
  caFile?: string;
}

/** Each public entry: the setting with its base URL, the path a student's path depends on, and its check. */
export const PUBLIC_ENTRIES = [
  { entry: 'web', variable: 'WEB_PUBLIC_URL', path: '/login', check: 'login_form' },
  { entry: 'api', variable: 'API_PUBLIC_URL', path: '/api/health', check: 'api_health' },
  { entry: 'lambda-api', variable: 'LAMBDA_API_PUBLIC_URL', path: '/api/health', check: 'api_health' },
  { entry: 'pushgateway', variable: 'PUSHGATEWAY_PUBLIC_URL', path: '/-/ready', check: 'ok_text' },
  { entry: 'heroku-exporter', variable: 'HEROKU_EXPORTER_PUBLIC_URL', path: '/-/healthy', check: 'ok_text' },
] as const;

/** What proves each entry is really up, not just answering: a body a broken app would not send. */
const BODY: Record<(typeof PUBLIC_ENTRIES)[number]['check'], string> = {
  // The login form itself, rendered on the server (a router's error page has none).
  login_form: 'name="password"',
  // The API reached its database.
  api_health: '"status":"ok"',
  ok_text: '^OK',
};

/** The public entries named by their settings; an HTTPS one is probed again over HTTP for its redirect. */
export function loadProbeConfig(env: Env): ProbeConfig {
  const exporter = target(env, 'BLACKBOX_EXPORTER');
  const entries: ProbeEntry[] = [];
  for (const { entry, variable, path, check } of PUBLIC_ENTRIES) {
    const text = env[variable]?.trim();
    if (!text) continue;
    let base: URL;
    try {
      base = new URL(text);
    } catch {
      throw new ConfigError(
        `${variable}="${text}" must be a URL such as https://brainbytes-web.herokuapp.com`,
      );
    }
    if (!/^https?:$/.test(base.protocol) || base.username || base.password || base.search || base.hash)
      throw new ConfigError(
        `${variable}="${text}" must be an http(s) URL without credentials, query or fragment (the probe's credentials never go in a URL)`,
      );
    const url = new URL(path, base).href;
    const tls = base.protocol === 'https:';
    entries.push({ entry, url, module: tls ? `${check}_tls` : check });
    if (tls) {
      const plain = new URL(url);
      plain.protocol = 'http:';
      entries.push({ entry: `${entry}-redirect`, url: plain.href, module: 'http_to_https' });
    }
  }
  if (entries.length && !exporter)
    throw new ConfigError(
      `${PUBLIC_ENTRIES.filter((e) => env[e.variable]).map((e) => e.variable)[0]} is set but BLACKBOX_EXPORTER_TARGET is not: set where the blackbox exporter runs (e.g. 127.0.0.1:9115)`,
    );
  const slow = Number(env.SYNTHETIC_JOURNEY_SLOW_SECONDS?.trim() || '20');
  if (!Number.isFinite(slow) || slow <= 0)
    throw new ConfigError(
      `SYNTHETIC_JOURNEY_SLOW_SECONDS="${env.SYNTHETIC_JOURNEY_SLOW_SECONDS}" must be a number of seconds above 0`,
    );
  const caFile = env.BLACKBOX_CA_FILE?.trim();
  return {
    ...(exporter ? { exporter } : {}),
    entries,
    journeySlowSeconds: slow,
    ...(caFile ? { caFile } : {}),
  };
}

const http = (extra: Record<string, unknown>) => ({
  prober: 'http',
  timeout: '10s',
  http: { method: 'GET', preferred_ip_protocol: 'ip4', ip_protocol_fallback: true, ...extra },
});

/** blackbox.yml: one module per check, and its TLS twin (valid chain required, HTTPS only). */
export function blackboxConfig(caFile?: string) {
  const modules: Record<string, unknown> = {};
  for (const [check, body] of Object.entries(BODY)) {
    const common = { valid_status_codes: [200], fail_if_body_not_matches_regexp: [body] };
    modules[check] = http(common);
    modules[`${check}_tls`] = http({
      ...common,
      fail_if_not_ssl: true,
      ...(caFile ? { tls_config: { ca_file: caFile } } : {}),
    });
  }
  // http:// must answer with a redirect to https://, not serve the page in clear.
  modules.http_to_https = http({
    valid_status_codes: [301, 302, 307, 308],
    follow_redirects: false,
    fail_if_header_not_matches: [{ header: 'Location', regexp: '^https://', allow_missing: false }],
  });
  return { modules };
}

/**
 * The shortest interval between probes. A probe may take no longer than its scrape (the exporter
 * answers within the scrape's timeout less half a second), so at a 1 s scrape interval (the tests'
 * fast stacks) a page that took 0.6 s under load counted as the student path down; each probe here
 * has at least 4.5 s, as a phone's patience would allow. A 15 s interval (the default) is unchanged.
 */
const MIN_PROBE_INTERVAL_SECONDS = 5;

/** The scrape job: each entry through the exporter's /probe, labelled by its entry (bounded) and URL. */
export function blackboxScrapeJob(probes: ProbeConfig, environment: string, scrapeInterval: string) {
  const exporter = probes.exporter;
  if (!exporter || !probes.entries.length) return undefined;
  const floor = `${MIN_PROBE_INTERVAL_SECONDS}s`;
  return {
    job_name: PROBE_JOB,
    ...(durationSetting('PROMETHEUS_SCRAPE_INTERVAL', scrapeInterval, scrapeInterval) <
    MIN_PROBE_INTERVAL_SECONDS * 1000
      ? { scrape_interval: floor, scrape_timeout: floor }
      : {}),
    metrics_path: '/probe',
    scheme: exporter.scheme,
    ...(exporter.username && exporter.passwordFile
      ? { basic_auth: { username: exporter.username, password_file: exporter.passwordFile } }
      : {}),
    static_configs: probes.entries.map((e) => ({
      targets: [e.url],
      labels: { entry: e.entry, module: e.module, environment },
    })),
    relabel_configs: [
      { source_labels: ['__address__'], target_label: '__param_target' },
      { source_labels: ['module'], target_label: '__param_module' },
      { source_labels: ['__param_target'], target_label: 'instance' },
      { target_label: '__address__', replacement: exporter.address },
      { action: 'labeldrop', regex: 'module' },
    ],
  };
}
