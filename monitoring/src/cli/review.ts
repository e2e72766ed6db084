import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { configOrExit, splitUrlCredentials } from '@brainbytes/telemetry/service';
import nodemailer from 'nodemailer';
import { loadMonitoringConfig } from '../config';
import { toHtml, toMarkdown } from '../review/render';
import { buildReview, PERIODS, type Period, prometheusQuery } from '../review/review';

/**
 * npm run review -- --period week|month|quarter [--prometheus URL] [--at 2026-11-30T00:00:00Z] [--email [--to a@b]]
 *
 * Prints the review as Markdown; with --email sends it (HTML and text) through the SMTP settings
 * Alertmanager uses (SMTP_SMARTHOST, SMTP_AUTH_USERNAME, SMTP_AUTH_PASSWORD_FILE, SMTP_REQUIRE_TLS,
 * ALERT_EMAIL_FROM) to --to, REVIEW_EMAIL_TO or ALERT_EMAIL_ESCALATION.
 */
function fail(message: string): never {
  process.stderr.write(`review: ${message}\n`);
  process.exit(1);
}

async function main() {
  // Read by the one loader Alertmanager's settings come from: the same SMTP, sender and escalation.
  const config = configOrExit('review', () => loadMonitoringConfig());
  const { values } = parseArgs({
    options: {
      period: { type: 'string', default: 'week' },
      prometheus: { type: 'string', default: config.review.prometheusUrl },
      at: { type: 'string' },
      email: { type: 'boolean', default: false },
      to: { type: 'string' },
    },
  });
  const period = values.period as Period;
  if (!(period in PERIODS)) fail(`--period must be week, month or quarter (not "${values.period}")`);
  const at = values.at ? Date.parse(values.at) / 1000 : Math.floor(Date.now() / 1000);
  if (!Number.isFinite(at)) fail(`--at "${values.at}" is not a date, e.g. 2026-11-30T00:00:00Z`);
  const query = prometheusQuery(values.prometheus);
  const { base: safeUrl, headers } = splitUrlCredentials(values.prometheus);
  process.stderr.write(`review: reading the ${period} from Prometheus at ${safeUrl} …\n`);
  const rules = await fetch(`${new URL('/api/v1/rules?type=alert', safeUrl)}`, {
    headers,
  })
    .then((r) => r.json() as Promise<{ data: { groups: Array<{ rules: Array<{ name: string }> }> } }>)
    .catch((error: Error) =>
      fail(`cannot reach Prometheus at ${safeUrl} (${error.message}): is it running? Set --prometheus.`),
    );
  const alertRules = [...new Set(rules.data.groups.flatMap((g) => g.rules.map((r) => r.name)))];
  const review = await buildReview(query, period, at, alertRules, config.lambda.price).catch((error: Error) =>
    fail(error.message),
  );
  process.stdout.write(`${toMarkdown(review)}\n`);
  if (!values.email) return;
  const { alerting } = config;
  const to = values.to ?? config.review.emailTo;
  const [host, port] = alerting.smarthost.split(':');
  const transport = nodemailer.createTransport({
    host,
    port: Number(port ?? 25),
    secure: false,
    requireTLS: alerting.smtpRequireTls,
    ignoreTLS: !alerting.smtpRequireTls,
    ...(alerting.smtpUsername && alerting.smtpPasswordFile
      ? {
          auth: { user: alerting.smtpUsername, pass: readFileSync(alerting.smtpPasswordFile, 'utf8').trim() },
        }
      : {}),
  });
  process.stderr.write(`review: sending it to ${to} through ${host}:${port ?? 25} …\n`);
  await transport
    .sendMail({
      from: alerting.from,
      to,
      subject: review.title,
      text: toMarkdown(review),
      html: toHtml(review),
    })
    .catch((error: Error) =>
      fail(`the SMTP server refused the review (${error.message}): check SMTP_SMARTHOST and its credentials`),
    );
  process.stderr.write('review: sent\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) await main();
