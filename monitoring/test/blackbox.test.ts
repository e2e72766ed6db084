import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, waitForHttp } from '@brainbytes/testkit/ports';
import { type RunningProcess, startBlackboxExporter } from '@brainbytes/testkit/services';
import { testCa } from '@brainbytes/testkit/tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadProbeConfig } from '../src/blackbox';
import { CERTIFICATE_CRITICAL_DAYS } from '../src/rules/alerts-outside';
import { renderToTemp, requireBinary } from './helpers/render';

const run = promisify(execFile);
const blackbox = requireBinary('prometheus-blackbox-exporter', 'prometheus-blackbox-exporter');
const promtool = requireBinary('promtool', 'prometheus');

const PUBLIC = {
  BLACKBOX_EXPORTER_TARGET: '127.0.0.1:9115',
  WEB_PUBLIC_URL: 'https://brainbytes-web.herokuapp.com',
  API_PUBLIC_URL: 'https://brainbytes-api.herokuapp.com/',
  LAMBDA_API_PUBLIC_URL: 'https://abc123.execute-api.ap-southeast-1.amazonaws.com',
  PUSHGATEWAY_PUBLIC_URL: 'http://127.0.0.1:9091',
};

describe('the probes as configuration', () => {
  it('renders a blackbox.yml the real exporter accepts, and a scrape job promtool accepts', async () => {
    const { dir } = renderToTemp(PUBLIC);
    const check = await run(blackbox, [
      `--config.file=${join(dir, 'blackbox/blackbox.yml')}`,
      '--config.check',
    ]);
    expect(`${check.stdout}${check.stderr}`).toContain('Config file is ok');
    const prometheus = await run(promtool, ['check', 'config', join(dir, 'prometheus/prometheus.yml')]);
    expect(`${prometheus.stdout}${prometheus.stderr}`).toMatch(/SUCCESS/);
    const job = (
      parse(readFileSync(join(dir, 'prometheus/prometheus.yml'), 'utf8')) as {
        scrape_configs: {
          job_name: string;
          static_configs?: { targets: string[]; labels: Record<string, string> }[];
        }[];
      }
    ).scrape_configs.find((j) => j.job_name === 'blackbox');
    // Each HTTPS entry with its TLS check and the HTTP redirect; the plain gateway without.
    expect(job?.static_configs?.map((c) => [c.labels.entry, c.targets[0], c.labels.module])).toEqual([
      ['web', 'https://brainbytes-web.herokuapp.com/login', 'login_form_tls'],
      ['web-redirect', 'http://brainbytes-web.herokuapp.com/login', 'http_to_https'],
      ['api', 'https://brainbytes-api.herokuapp.com/api/health', 'api_health_tls'],
      ['api-redirect', 'http://brainbytes-api.herokuapp.com/api/health', 'http_to_https'],
      ['lambda-api', 'https://abc123.execute-api.ap-southeast-1.amazonaws.com/api/health', 'api_health_tls'],
      [
        'lambda-api-redirect',
        'http://abc123.execute-api.ap-southeast-1.amazonaws.com/api/health',
        'http_to_https',
      ],
      ['pushgateway', 'http://127.0.0.1:9091/-/ready', 'ok_text'],
    ]);
  });

  it('refuses a public URL with credentials, a query or no exporter to probe it, naming the setting', () => {
    expect(() => loadProbeConfig({ ...PUBLIC, WEB_PUBLIC_URL: 'https://user:secret@web.example' })).toThrow(
      /WEB_PUBLIC_URL=.* without credentials/,
    );
    expect(() => loadProbeConfig({ ...PUBLIC, API_PUBLIC_URL: 'https://api.example/?token=1' })).toThrow(
      /API_PUBLIC_URL=.* without credentials, query/,
    );
    expect(() => loadProbeConfig({ ...PUBLIC, API_PUBLIC_URL: 'not a url' })).toThrow(
      /API_PUBLIC_URL="not a url" must be a URL/,
    );
    expect(() => loadProbeConfig({ WEB_PUBLIC_URL: 'https://web.example' })).toThrow(
      /WEB_PUBLIC_URL is set but BLACKBOX_EXPORTER_TARGET is not/,
    );
    expect(loadProbeConfig({}).entries).toEqual([]);
  });
});

describe('the real blackbox exporter with the rendered modules', () => {
  let exporter: ChildProcess;
  let exporterUrl: string;
  const servers: http.Server[] = [];
  const serve = async (handler: http.RequestListener) => {
    const server = http.createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  };

  beforeAll(async () => {
    const { dir } = renderToTemp();
    const port = await freePort();
    exporter = spawn(blackbox, [
      `--config.file=${join(dir, 'blackbox/blackbox.yml')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
    exporterUrl = `http://127.0.0.1:${port}`;
    await waitForHttp(`${exporterUrl}/-/healthy`);
  }, 30_000);
  afterAll(() => {
    exporter?.kill();
    for (const s of servers) s.close();
  });

  /** One probe, as Prometheus asks it: with its scrape's timeout, which the exporter keeps to. */
  const probe = async (target: string, module: string, scrapeTimeoutSeconds = 10) => {
    const text = await (
      await fetch(`${exporterUrl}/probe?target=${encodeURIComponent(target)}&module=${module}`, {
        headers: { 'X-Prometheus-Scrape-Timeout-Seconds': String(scrapeTimeoutSeconds) },
      })
    ).text();
    return Number(/^probe_success (\d)/m.exec(text)?.[1]);
  };

  it('passes a page that is really the app, and fails a router error page, a 200 without the form, a dead port', async () => {
    const web = await serve((_req, res) => res.end('<form><input name="password" type="password"></form>'));
    const router = await serve((_req, res) => {
      res.statusCode = 503;
      res.end('<h1>Application error</h1>'); // Heroku's router answering for a stopped dyno
    });
    const blank = await serve((_req, res) => res.end('<h1>Loading…</h1>'));
    const api = await serve((_req, res) => res.end('{"status":"ok","database":"pglite"}'));
    const apiDown = await serve((_req, res) => {
      res.statusCode = 503;
      res.end('{"status":"unavailable","database":"postgres"}');
    });
    expect(await probe(`${web}/login`, 'login_form')).toBe(1);
    expect(await probe(`${router}/login`, 'login_form')).toBe(0);
    expect(await probe(`${blank}/login`, 'login_form')).toBe(0);
    expect(await probe(`http://127.0.0.1:${await freePort()}/login`, 'login_form')).toBe(0);
    expect(await probe(`${api}/api/health`, 'api_health')).toBe(1);
    expect(await probe(`${apiDown}/api/health`, 'api_health')).toBe(0);
    // The TLS twin refuses plain HTTP: a public entry must be HTTPS.
    expect(await probe(`${web}/login`, 'login_form_tls')).toBe(0);
  }, 30_000);

  it('gives a probe its scrape’s timeout less half a second: a 1 s scrape fails a page that takes 0.8 s, the 5 s floor passes it', async () => {
    const loaded = await serve((_req, res) => {
      setTimeout(() => res.end('<form><input name="password" type="password"></form>'), 800);
    });
    expect(await probe(`${loaded}/login`, 'login_form', 1)).toBe(0);
    expect(await probe(`${loaded}/login`, 'login_form', 5)).toBe(1);
    // So the probes' job never scrapes faster than every 5 s, whatever the global interval.
    const job = (interval?: string) =>
      (
        parse(
          readFileSync(
            join(
              renderToTemp({ ...PUBLIC, ...(interval ? { PROMETHEUS_SCRAPE_INTERVAL: interval } : {}) }).dir,
              'prometheus/prometheus.yml',
            ),
            'utf8',
          ),
        ) as { scrape_configs: Array<Record<string, unknown>> }
      ).scrape_configs.find((j) => j.job_name === 'blackbox');
    expect([job('1s')?.scrape_interval, job('1s')?.scrape_timeout]).toEqual(['5s', '5s']);
    expect([job()?.scrape_interval, job()?.scrape_timeout]).toEqual([undefined, undefined]); // 15 s, as before
  }, 30_000);

  it('passes HTTP that redirects to HTTPS, and fails HTTP that serves the page in clear', async () => {
    const redirects = await serve((req, res) => {
      res.writeHead(301, { Location: `https://brainbytes-web.herokuapp.com${req.url}` });
      res.end();
    });
    const clear = await serve((_req, res) => res.end('<input name="password">'));
    const elsewhere = await serve((_req, res) => {
      res.writeHead(302, { Location: 'http://phishing.example/login' });
      res.end();
    });
    expect(await probe(`${redirects}/login`, 'http_to_https')).toBe(1);
    expect(await probe(`${clear}/login`, 'http_to_https')).toBe(0);
    expect(await probe(`${elsewhere}/login`, 'http_to_https')).toBe(0);
  }, 30_000);
});

describe('a TLS front whose certificate expires in 2 days', () => {
  let exporter: RunningProcess;
  let systemCas: RunningProcess;
  let front: https.Server;
  let frontUrl: string;
  const dir = mkdtempSync(join(tmpdir(), 'bb-tls-'));

  beforeAll(async () => {
    // A private CA, and a certificate for 127.0.0.1 it signed that expires in 2 days.
    const ca = testCa(dir);
    const leaf = ca.issue(2);
    front = https.createServer({ key: readFileSync(leaf.key), cert: readFileSync(leaf.cert) }, (_req, res) =>
      res.end('<form><input name="password" type="password"></form>'),
    );
    await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
    frontUrl = `https://127.0.0.1:${(front.address() as AddressInfo).port}`;
    const { dir: rendered } = renderToTemp({ BLACKBOX_CA_FILE: ca.caFile });
    exporter = await startBlackboxExporter(join(rendered, 'blackbox/blackbox.yml'));
    systemCas = await startBlackboxExporter(join(renderToTemp().dir, 'blackbox/blackbox.yml'));
  }, 60_000);
  afterAll(async () => {
    await exporter?.stop();
    await systemCas?.stop();
    front?.close();
  });

  it('passes the probe with the front’s CA trusted (BLACKBOX_CA_FILE), and reports the expiry TlsCertificateExpiresSoon reads', async () => {
    const text = await (
      await fetch(
        `${exporter.url}/probe?target=${encodeURIComponent(`${frontUrl}/login`)}&module=login_form_tls`,
      )
    ).text();
    expect(text).toMatch(/^probe_success 1$/m);
    const expiry = Number(/^probe_ssl_earliest_cert_expiry (\S+)$/m.exec(text)?.[1]);
    const days = (expiry - Date.now() / 1000) / 86400;
    expect(days).toBeGreaterThan(1.9);
    expect(days).toBeLessThan(2.01); // under CERTIFICATE_CRITICAL_DAYS: the critical rule's case
    expect(days).toBeLessThan(CERTIFICATE_CRITICAL_DAYS);
    // The same front without its CA trusted (the system's only) is down: a phone would refuse it.
    const untrusted = await (
      await fetch(
        `${systemCas.url}/probe?target=${encodeURIComponent(`${frontUrl}/login`)}&module=login_form_tls`,
      )
    ).text();
    expect(untrusted).toMatch(/^probe_success 0$/m);
  });
});
