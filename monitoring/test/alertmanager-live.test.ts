import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  eventually,
  httpSink,
  type RunningProcess,
  smtpSink,
  startAlertmanager,
} from '@brainbytes/testkit/services';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { renderToTemp } from './helpers/render';

const LATENCY_WARNING = {
  labels: {
    alertname: 'ApiHighLatency',
    severity: 'warning',
    team: 'engineering',
    service: 'api',
    environment: 'production',
  },
  annotations: {
    summary: 'API p95 latency is above 2 seconds.',
    description: 'p95 is 2.4s',
    runbook_url: 'x',
  },
};

/** Manila's weekday and hour now, as Alertmanager's `location: Asia/Manila` sees them. */
function manilaNow() {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'Asia/Manila',
    weekday: 'long',
    hour: 'numeric',
    hourCycle: 'h23',
  }).formatToParts(new Date());
  const weekday = parts.find((p) => p.type === 'weekday')?.value.toLowerCase() ?? '';
  const hour = Number(parts.find((p) => p.type === 'hour')?.value);
  return {
    weekday,
    hour,
    inBusinessHours: !['saturday', 'sunday'].includes(weekday) && hour >= 8 && hour < 18,
  };
}

describe('a live Alertmanager with SMTP and Slack sinks', () => {
  let smtp: Awaited<ReturnType<typeof smtpSink>>;
  let hooks: Awaited<ReturnType<typeof httpSink>>;
  let alertmanager: RunningProcess;
  let dir: string;

  const post = async (alerts: { labels: Record<string, string>; annotations: Record<string, string> }[]) => {
    const res = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts.map((a) => ({ ...a, generatorURL: 'http://prometheus.test/graph' }))),
    });
    expect(res.status).toBe(200);
  };

  /** Renders from the environment a deployment would set (with short waits), then points Slack at the sink. */
  async function start(
    adjustBusinessHours?: (interval: Record<string, unknown>) => void,
    env: Record<string, string> = {},
  ) {
    smtp = await smtpSink();
    hooks = await httpSink();
    const { dir: renderedDir } = renderToTemp({
      ...env,
      ALERTMANAGER_GROUP_WAIT: '1s',
      ALERTMANAGER_GROUP_INTERVAL: '2s',
      SMTP_SMARTHOST: `127.0.0.1:${smtp.port}`,
      SLACK_WEBHOOK_URL_FILE: '/dev/null', // replaced below, once the file exists
      WATCHDOG_URL: `${hooks.url}/watchdog`,
      ALERTMANAGER_VERSION: '0.25', // Debian's: no url_file, so the local stack's URL is inline
    });
    dir = renderedDir;
    const file = join(dir, 'alertmanager/alertmanager.yml');
    writeFileSync(join(dir, 'slack-webhook-url'), `${hooks.url}/slack`);
    const config = parse(readFileSync(file, 'utf8'));
    config.global.slack_api_url_file = join(dir, 'slack-webhook-url');
    if (adjustBusinessHours) adjustBusinessHours(config.time_intervals[0].time_intervals[0]);
    writeFileSync(file, stringify(config));
    alertmanager = await startAlertmanager(file);
  }

  async function stop() {
    await alertmanager?.stop();
    await smtp?.close();
    await hooks?.close();
  }

  describe('with the rendered routing and business hours', () => {
    beforeAll(() => start());
    afterAll(stop);

    it('emails and posts a critical to the team at once, and not yet to the lead', async () => {
      await post([
        {
          labels: {
            alertname: 'AiProviderErrors',
            severity: 'critical',
            team: 'ai',
            service: 'ai',
            environment: 'production',
            provider: 'openai',
          },
          annotations: {
            summary: 'The AI provider fails too many answers.',
            description:
              'openai fails 20% of answers in production (threshold 10%); students get the offline tutor instead.',
            runbook_url: 'https://example.test/monitoring#aiprovidererrors',
          },
        },
      ]);
      const mail = await eventually('the ai team email', () =>
        smtp.mails.find((m) => m.to.includes('ai@brainbytes.ph')),
      );
      expect(mail.from).toBe('alerts@brainbytes.ph');
      expect(mail.parsed.subject).toBe('[BrainBytes FIRING] AiProviderErrors — critical (ai)');
      expect(mail.parsed.html).toContain('openai fails 20% of answers in production');
      expect(mail.parsed.html).toContain('href="https://example.test/monitoring#aiprovidererrors"');
      expect(mail.parsed.text).toContain('Runbook: https://example.test/monitoring#aiprovidererrors');
      const slack = await eventually('the Slack post', () => hooks.received.find((r) => r.path === '/slack'));
      const body = slack.body as {
        channel: string;
        attachments: { title: string; text: string; color: string }[];
      };
      expect(body.channel).toBe('#brainbytes-ai');
      expect(body.attachments[0]?.title).toBe('[FIRING:1] AiProviderErrors (critical, ai)');
      expect(body.attachments[0]?.text).toContain('*The AI provider fails too many answers.*');
      expect(body.attachments[0]?.color).toBe('danger');
      expect(
        smtp.mails.some((m) => m.to.includes('lead@brainbytes.ph')),
        'escalation waits 30 minutes',
      ).toBe(false);
    });

    it('emails a budget alert to the owner with the spend by provider and the forecast, once', async () => {
      const lesser = (alertname: string, severity: string) => ({
        labels: { alertname, severity, team: 'product', service: 'budget', category: 'budget' },
        annotations: { summary: `${alertname} summary`, description: 'x', runbook_url: 'x' },
      });
      await post([
        // Over budget already: the forecast and the lower thresholds would only repeat it.
        lesser('MonthlySpendForecastOverBudget', 'warning'),
        lesser('MonthlyBudgetMostlySpent', 'warning'),
        {
          labels: {
            alertname: 'MonthlyBudgetExceeded',
            severity: 'critical',
            team: 'product',
            service: 'budget',
            category: 'budget',
          },
          annotations: {
            summary: 'This month’s cloud spend is over budget.',
            description:
              'Spend so far this month is 120% of the monthly budget (BRAINBYTES_MONTHLY_BUDGET_DOLLARS).',
            breakdown: 'ai: $80.00; heroku: $35.00; lambda: $5.00; ',
            forecast: '$190.00',
            budget: '$100.00',
            runbook_url: 'https://example.test/monitoring#monthlybudgetexceeded',
          },
        },
      ]);
      const mail = await eventually('the budget email', () =>
        smtp.mails.find((m) => m.to.includes('owner@brainbytes.ph')),
      );
      expect(mail.parsed.subject).toBe('[BrainBytes budget] This month’s cloud spend is over budget.');
      expect(mail.parsed.html).toContain('ai: $80.00; heroku: $35.00; lambda: $5.00;');
      expect(mail.parsed.html).toMatch(/Forecast to month end<\/th><td>\$190\.00/);
      expect(mail.parsed.html).toMatch(/Monthly budget<\/th><td>\$100\.00/);
      expect(mail.parsed.text).toContain('Forecast to month end: $190.00 (budget $100.00)');
      expect(hooks.received.filter((r) => r.path === '/slack').length, 'budget alerts go by email only').toBe(
        1,
      );
      await new Promise((r) => setTimeout(r, 4000)); // two group intervals
      expect(
        smtp.mails.filter((m) => m.to.includes('owner@brainbytes.ph')).map((m) => m.parsed.subject),
      ).toEqual(['[BrainBytes budget] This month’s cloud spend is over budget.']);
    });

    it('sends the Watchdog to the dead man’s switch', async () => {
      await post([
        {
          labels: { alertname: 'Watchdog', severity: 'none', team: 'infrastructure', service: 'monitoring' },
          annotations: { summary: 'Always firing.' },
        },
      ]);
      const hook = await eventually('the watchdog webhook', () =>
        hooks.received.find((r) => r.path === '/watchdog'),
      );
      expect(
        (hook.body as { status: string; commonLabels: { alertname: string } }).commonLabels.alertname,
      ).toBe('Watchdog');
    });

    // A stable name: the Manila time it ran at goes in the assertion's message, not the title.
    it('posts a warning to Slack only inside Manila business hours', async () => {
      const now = manilaNow();
      await post([LATENCY_WARNING]);
      const warning = () =>
        hooks.received.find((r) => JSON.stringify(r.body).includes('ApiHighLatency')) ?? undefined;
      if (now.inBusinessHours) {
        const slack = await eventually(`the warning on Slack (Manila: ${JSON.stringify(now)})`, warning);
        expect((slack.body as { channel: string }).channel).toBe('#brainbytes-engineering');
      } else {
        await new Promise((r) => setTimeout(r, 5000));
        expect(warning(), `no Slack outside business hours (Manila: ${JSON.stringify(now)})`).toBeUndefined();
      }
    });
  });

  describe('with business hours moved to exclude this moment', () => {
    // The other branch of the test above, every run: business hours that cannot contain now.
    beforeAll(() =>
      start((interval) => {
        const { weekday } = manilaNow();
        const days = ['monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday'];
        interval.weekdays = days.filter((d) => d !== weekday);
      }),
    );
    afterAll(stop);

    it('holds a warning outside business hours, while a critical still goes out', async () => {
      await post([
        LATENCY_WARNING,
        {
          labels: {
            alertname: 'HerokuDynoCrashed',
            severity: 'critical',
            team: 'infrastructure',
            service: 'heroku',
            environment: 'production',
            app: 'brainbytes-api',
          },
          annotations: {
            summary: 'A Heroku dyno crashed.',
            description: 'A web dyno crashed.',
            runbook_url: 'x',
          },
        },
      ]);
      await eventually('the critical email', () =>
        smtp.mails.find((m) => m.to.includes('infrastructure@brainbytes.ph')),
      );
      await new Promise((r) => setTimeout(r, 4000)); // two group intervals
      expect(hooks.received.filter((r) => JSON.stringify(r.body).includes('ApiHighLatency'))).toEqual([]);
      const silences = await (await fetch(`${alertmanager.url}/api/v2/alerts?active=true`)).json();
      expect(
        (silences as { labels: { alertname: string } }[]).some(
          (a) => a.labels.alertname === 'ApiHighLatency',
        ),
      ).toBe(true);
    });
  });

  describe('escalation to the lead, with ALERTMANAGER_ESCALATE_AFTER=4s', () => {
    beforeAll(() => start(undefined, { ALERTMANAGER_ESCALATE_AFTER: '4s' }));
    afterAll(stop);

    const critical = (environment: string, endsAt?: string) => ({
      labels: {
        alertname: 'ApiErrorBudgetBurn',
        severity: 'critical',
        team: 'engineering',
        service: 'api',
        environment,
      },
      annotations: {
        summary: 'The API burns its error budget fast.',
        description: `burning in ${environment}`,
        runbook_url: 'x',
      },
      ...(endsAt ? { endsAt } : {}),
    });
    const toLead = (status: 'FIRING' | 'RESOLVED') =>
      smtp.mails.filter((m) => m.to.includes('lead@brainbytes.ph') && m.parsed.subject?.includes(status));

    it('reaches the lead after the wait for production only, and again when it fires anew', async () => {
      await post([critical('staging')]);
      await new Promise((r) => setTimeout(r, 1500));
      const fired = Date.now();
      await post([critical('production')]);
      await eventually('the escalation email', () => toLead('FIRING')[0], 15_000);
      const waited = Date.now() - fired;
      expect(waited, 'a staging critical must not shorten the wait').toBeGreaterThanOrEqual(3500);
      expect(toLead('FIRING').map((m) => String(m.parsed.html).includes('burning in production'))).toEqual([
        true,
      ]);
      // Resolved, then firing again: a new incident, escalated again after the wait.
      await post([critical('production', new Date().toISOString())]);
      await eventually('the resolved email to the lead', () => toLead('RESOLVED')[0], 15_000);
      await post([critical('production')]);
      await eventually('the second escalation', () => toLead('FIRING')[1], 20_000);
      expect(toLead('FIRING').every((m) => !String(m.parsed.html).includes('burning in staging'))).toBe(true);
    }, 60_000);
  });
});
