import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  eventually,
  httpSink,
  type RunningProcess,
  smtpSink,
  startAlertmanager,
} from '@brainbytes/testkit/services';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { renderToTemp } from './helpers/render';

/** The real Alertmanager with the rendered routing, the engineering team's webhook pointed at a sink. */
let alertmanager: RunningProcess;
let hooks: Awaited<ReturnType<typeof httpSink>>;
let smtp: Awaited<ReturnType<typeof smtpSink>>;

interface WebhookMessage {
  version: string;
  status: 'firing' | 'resolved';
  receiver: string;
  groupKey: string;
  truncatedAlerts: number;
  groupLabels: Record<string, string>;
  alerts: Array<{ status: string; labels: Record<string, string> }>;
}

beforeAll(async () => {
  hooks = await httpSink();
  smtp = await smtpSink();
  const { dir } = renderToTemp({
    ALERTMANAGER_GROUP_WAIT: '1s',
    ALERTMANAGER_GROUP_INTERVAL: '2s',
    SMTP_SMARTHOST: `127.0.0.1:${smtp.port}`,
    ALERT_WEBHOOK_URL_ENGINEERING: `${hooks.url}/engineering`,
    ALERT_WEBHOOK_TOKEN_FILE_ENGINEERING: '/dev/null', // replaced below, once the folder exists
    ALERT_WEBHOOK_MAX_ALERTS: '2',
  });
  const tokenFile = join(dir, 'engineering-webhook-token');
  writeFileSync(tokenFile, 's3cret-token\n');
  const file = join(dir, 'alertmanager/alertmanager.yml');
  writeFileSync(file, readFileSync(file, 'utf8').replaceAll('/dev/null', tokenFile));
  alertmanager = await startAlertmanager(file);
}, 60_000);

afterAll(async () => {
  await alertmanager?.stop();
  await hooks?.close();
  await smtp?.close();
});

const post = async (alerts: Array<{ labels: Record<string, string>; endsAt?: string }>) => {
  const res = await fetch(`${alertmanager.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(
      alerts.map((a) => ({ ...a, annotations: { summary: 's', description: 'd', runbook_url: 'x' } })),
    ),
  });
  expect(res.status).toBe(200);
};
const messages = (alertname: string) =>
  hooks.received
    .filter((r) => r.path === '/engineering')
    .map((r) => ({ ...(r.body as WebhookMessage), authorization: r.headers.authorization }))
    .filter((m) => m.groupLabels.alertname === alertname);

it('posts the team’s alerts to its webhook: Alertmanager’s JSON, one message per group, at most ALERT_WEBHOOK_MAX_ALERTS, a bearer token, and the resolution', async () => {
  const burn = (route: string) => ({
    labels: {
      alertname: 'ApiHighErrorRatio',
      severity: 'critical',
      team: 'engineering',
      service: 'api',
      environment: 'production',
      route,
    },
  });
  const alerts = ['/api/a', '/api/b', '/api/c'].map(burn);
  await post(alerts);
  const [firing] = await eventually('the webhook message', () => {
    const m = messages('ApiHighErrorRatio');
    return m.length ? m : undefined;
  });
  expect(firing).toMatchObject({
    version: '4',
    status: 'firing',
    receiver: 'engineering-critical',
    truncatedAlerts: 1,
    authorization: 'Bearer s3cret-token',
    groupLabels: {
      alertname: 'ApiHighErrorRatio',
      environment: 'production',
      service: 'api',
      team: 'engineering',
      severity: 'critical',
    },
  });
  expect(firing?.alerts).toHaveLength(2);
  // The email went too: the webhook is beside Slack and email, not instead of them.
  await eventually('the engineering email', () =>
    smtp.mails.find((m) => m.to.includes('engineering@brainbytes.ph')),
  );

  await post(alerts.map((a) => ({ ...a, endsAt: new Date(Date.now() - 1000).toISOString() })));
  const resolved = await eventually('the resolved message', () =>
    messages('ApiHighErrorRatio').find((m) => m.status === 'resolved'),
  );
  expect(resolved.alerts.every((a) => a.status === 'resolved')).toBe(true);
}, 60_000);

it('groups by severity: a warning and a critical of the same alert arrive as separate messages', async () => {
  // No team route matches (and staging escalates to no one): the default receiver, engineering's
  // webhook among its integrations, gets both severities.
  const alert = (severity: string) => ({
    labels: { alertname: 'QueueBacklogGrowing', severity, service: 'jobs', environment: 'staging' },
  });
  await post([alert('warning')]);
  await eventually('the warning', () =>
    messages('QueueBacklogGrowing').find((m) => m.groupLabels.severity === 'warning'),
  );
  await post([alert('critical')]);
  const critical = await eventually('the critical', () =>
    messages('QueueBacklogGrowing').find((m) => m.groupLabels.severity === 'critical'),
  );
  const warning = messages('QueueBacklogGrowing').find((m) => m.groupLabels.severity === 'warning');
  expect(critical.groupKey).not.toBe(warning?.groupKey);
  expect(critical.alerts.map((a) => a.labels.severity)).toEqual(['critical']);
  expect(critical.receiver).toBe('default');
}, 60_000);

it('keeps silences and what it has sent across a restart (its --storage.path): no silenced alert, no repeat', async () => {
  const storage = mkdtempSync(join(tmpdir(), 'bb-am-storage-'));
  const { dir } = renderToTemp({
    ALERTMANAGER_GROUP_WAIT: '1s',
    ALERTMANAGER_GROUP_INTERVAL: '2s',
    SMTP_SMARTHOST: `127.0.0.1:${smtp.port}`,
    ALERT_WEBHOOK_URL_ENGINEERING: `${hooks.url}/restart`,
  });
  const file = join(dir, 'alertmanager/alertmanager.yml');
  let am = await startAlertmanager(file, storage);
  const alert = (alertname: string) => ({
    labels: {
      alertname,
      severity: 'critical',
      team: 'engineering',
      service: 'api',
      environment: 'production',
    },
    annotations: { summary: 's', description: 'd', runbook_url: 'x' },
  });
  const postTo = (url: string, alerts: unknown[]) =>
    fetch(`${url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts),
    });
  const silence = await fetch(`${am.url}/api/v2/silences`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      matchers: [{ name: 'alertname', value: 'ApiPlannedMaintenance', isRegex: false, isEqual: true }],
      startsAt: new Date().toISOString(),
      endsAt: new Date(Date.now() + 3_600_000).toISOString(),
      createdBy: 'test',
      comment: 'database upgrade tonight',
    }),
  });
  expect(silence.status).toBe(200);
  await postTo(am.url, [alert('ApiHighLatencyRestart')]);
  const sent = () => hooks.received.filter((r) => r.path === '/restart');
  await eventually('the first notification', () => (sent().length ? sent() : undefined));
  await am.stop(); // SIGTERM: Alertmanager writes its silences and notification log
  am = await startAlertmanager(file, storage);
  try {
    const silences = (await (await fetch(`${am.url}/api/v2/silences`)).json()) as Array<{
      comment: string;
      status: { state: string };
    }>;
    expect(silences.map((s) => [s.comment, s.status.state])).toEqual([
      ['database upgrade tonight', 'active'],
    ]);
    // Prometheus re-sends what still fires; the silenced alert too.
    await postTo(am.url, [alert('ApiHighLatencyRestart'), alert('ApiPlannedMaintenance')]);
    await new Promise((r) => setTimeout(r, 5000)); // group_wait and two group intervals
    expect(sent().length, 'already notified within repeat_interval (4 h), and the silenced one never').toBe(
      1,
    );
  } finally {
    await am.stop();
  }
}, 60_000);

it('keeps the webhook’s token out of Alertmanager’s status API and its log (M1x)', async () => {
  await post([
    {
      labels: {
        alertname: 'TokenLeakProbe',
        severity: 'critical',
        team: 'engineering',
        service: 'api',
        environment: 'production',
      },
    },
  ]);
  const [message] = await eventually(
    'the probe’s webhook message',
    () => {
      const found = messages('TokenLeakProbe');
      return found.length ? found : undefined;
    },
    30_000,
  );
  expect(message!.authorization).toBe('Bearer s3cret-token');
  const status = await (await fetch(`${alertmanager.url}/api/v2/status`)).text();
  expect(status).toContain(`${hooks.url}/engineering`); // the status page shows the receiver …
  expect(status).not.toContain('s3cret-token'); // … and not its token
  expect(alertmanager.output()).not.toContain('s3cret-token');
}, 60_000);
