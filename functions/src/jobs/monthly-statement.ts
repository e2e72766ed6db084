import { ConfigError, splitUrlCredentials } from '@brainbytes/telemetry';
import type { Database, Queryable } from '../api/db/database';

/**
 * The monthly statement: on the 1st (at the job's first run of the month, or the first that can
 * reach Prometheus and Alertmanager), last month's spend by provider and by what drove it, against
 * the budget, to the budget owner through Alertmanager (its email route and SMTP settings).
 *
 * Sent once: the month is claimed by a row in `monthly_statements` in the same transaction that
 * posts it, so a second job instance waits on the row and then finds it taken, and a failed post
 * rolls the claim back for the next run. Several Alertmanagers must be one cluster (as for
 * Prometheus's alerts), which then sends it once.
 */
export interface StatementSettings {
  /** MONTHLY_STATEMENT_ALERTMANAGER_URLS: comma list; credentials in the URL (https://user:pass@host). Empty: no statement. */
  alertmanagerUrls: string[];
  /** MONTHLY_STATEMENT_PROMETHEUS_URL: where Heroku's and Lambda's month-end figures are read. */
  prometheusUrl: string | undefined;
}

export function loadStatementSettings(env: Record<string, string | undefined>): StatementSettings {
  const urls = (env.MONTHLY_STATEMENT_ALERTMANAGER_URLS ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  const prometheusUrl = env.MONTHLY_STATEMENT_PROMETHEUS_URL?.trim() || undefined;
  for (const [name, url] of [
    ...urls.map((u) => ['MONTHLY_STATEMENT_ALERTMANAGER_URLS', u] as const),
    ['MONTHLY_STATEMENT_PROMETHEUS_URL', prometheusUrl] as const,
  ]) {
    if (url !== undefined && !/^https?:\/\/[^/]/.test(url))
      throw new ConfigError(
        `${name} must be http(s) URLs, e.g. https://user:password@brainbytes-alertmanager.herokuapp.com`,
      );
  }
  return { alertmanagerUrls: urls, prometheusUrl };
}

export interface Statement {
  month: string;
  summary: string;
  text: string;
}

const dollars = (n: number) => `$${n.toFixed(2)}`;
const MONTH_NAMES = new Intl.DateTimeFormat('en', { month: 'long', year: 'numeric', timeZone: 'UTC' });

/** URL without its credentials plus `path`, and the Authorization header they make. */
function endpoint(url: string, path: string): { href: string; headers: Record<string, string> } {
  const { base, headers } = splitUrlCredentials(url);
  return { href: `${base}${path}`, headers };
}

type Vector = Array<{ metric: Record<string, string>; value: [number, string] }>;

async function instant(prometheusUrl: string, query: string, atSeconds: number): Promise<Vector> {
  const { href, headers } = endpoint(prometheusUrl, '/api/v1/query');
  const res = await fetch(`${href}?${new URLSearchParams({ query, time: String(atSeconds) })}`, {
    headers,
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok)
    throw new Error(
      `Prometheus answered ${res.status} to a statement query (MONTHLY_STATEMENT_PROMETHEUS_URL)`,
    );
  return ((await res.json()) as { data: { result: Vector } }).data.result;
}

const byLabel = (v: Vector, label: string) =>
  v
    .map((s) => ({ name: s.metric[label] ?? '?', dollars: Number(s.value[1]) }))
    .sort((a, b) => b.dollars - a.dollars);

/** Builds last month's statement: AI from the stored answers, Heroku and Lambda as Prometheus had them at month end. */
export async function buildStatement(
  db: Queryable,
  settings: StatementSettings,
  now: Date,
): Promise<Statement> {
  const end = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
  const start = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1);
  const month = new Date(start).toISOString().slice(0, 7);
  const range = [new Date(start).toISOString(), new Date(end).toISOString()];
  const models = await db.query<{ provider: string; model: string; answers: number; dollars: number }>(
    `SELECT provider, model, count(*)::int AS answers, coalesce(sum(cost_dollars), 0)::float AS dollars
     FROM questions WHERE created_at >= $1 AND created_at < $2 GROUP BY provider, model ORDER BY dollars DESC, answers DESC`,
    range,
  );
  const [people] = await db.query<{ questions: number; students: number }>(
    `SELECT count(*)::int AS questions, count(DISTINCT student_id)::int AS students
     FROM questions WHERE created_at >= $1 AND created_at < $2`,
    range,
  );
  const ai = models.reduce((n, m) => n + m.dollars, 0);

  // The month's last second: the recorded month-to-date is the month's total there.
  let heroku: Array<{ name: string; dollars: number }> | undefined;
  let lambda: Array<{ name: string; dollars: number }> | undefined;
  let budget: number | undefined;
  if (settings.prometheusUrl) {
    const at = end / 1000 - 1;
    heroku = byLabel(
      await instant(settings.prometheusUrl, 'sum by (app) (heroku_cost_accrued_dollars_total)', at),
      'app',
    );
    lambda = byLabel(
      await instant(settings.prometheusUrl, 'function:brainbytes_lambda_spend_dollars:month_to_date', at),
      'function',
    );
    const [b] = await instant(settings.prometheusUrl, 'brainbytes:budget_dollars:monthly', at);
    budget = b ? Number(b.value[1]) : undefined;
  }
  const sum = (list: Array<{ dollars: number }> | undefined) => list?.reduce((n, x) => n + x.dollars, 0) ?? 0;
  const total = ai + sum(heroku) + sum(lambda);
  const questions = people?.questions ?? 0;
  const students = people?.students ?? 0;
  const list = (items: Array<{ name: string; dollars: number }> | undefined, none: string) =>
    items?.length ? items.slice(0, 5).map((i) => `  ${i.name}: ${dollars(i.dollars)}`) : [`  ${none}`];
  const name = MONTH_NAMES.format(new Date(start));
  const against = budget ? ` of the ${dollars(budget)} budget (${Math.round((100 * total) / budget)} %)` : '';
  const text = [
    `${name}: ${dollars(total)}${against}.`,
    '',
    'By provider:',
    `  AI: ${dollars(ai)} (from the stored answers)`,
    `  Heroku: ${heroku ? dollars(sum(heroku)) : 'not known (MONTHLY_STATEMENT_PROMETHEUS_URL is not set)'}`,
    `  Lambda: ${lambda ? dollars(sum(lambda)) : 'not known (MONTHLY_STATEMENT_PROMETHEUS_URL is not set)'}`,
    '',
    'AI by model:',
    ...list(
      models.map((m) => ({ name: `${m.provider}/${m.model} (${m.answers} answers)`, dollars: m.dollars })),
      'no answers',
    ),
    'Heroku by app:',
    ...list(heroku, heroku ? 'nothing accrued' : 'not known'),
    'Lambda by function:',
    ...list(lambda, lambda ? 'nothing reported' : 'not known'),
    '',
    `Cost per question: ${questions ? dollars(total / questions) : 'no questions'} (${questions} questions)`,
    `Cost per active student: ${students ? dollars(total / students) : 'no active students'} (${students} students asked)`,
  ].join('\n');
  return { month, summary: `Monthly statement for ${name}: ${dollars(total)}${against}`, text };
}

async function post(url: string, statement: Statement) {
  const now = new Date(); // when it is delivered, whatever month it states
  const { href, headers } = endpoint(url, '/api/v2/alerts');
  const res = await fetch(href, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify([
      {
        labels: {
          alertname: 'MonthlyStatement',
          category: 'budget',
          severity: 'info',
          team: 'product',
          service: 'budget',
          month: statement.month,
        },
        annotations: { summary: statement.summary, description: statement.text },
        startsAt: now.toISOString(),
        // Long enough to be sent (group_wait), short enough that it is gone long before next month.
        endsAt: new Date(now.getTime() + 3_600_000).toISOString(),
      },
    ]),
    signal: AbortSignal.timeout(10_000),
  });
  if (!res.ok) throw new Error(`Alertmanager answered ${res.status} to the monthly statement`);
}

/** Sends last month's statement unless it has been sent; 'off' without MONTHLY_STATEMENT_ALERTMANAGER_URLS. */
export async function sendMonthlyStatement(
  db: Database,
  settings: StatementSettings,
  now = new Date(),
): Promise<'sent' | 'already sent' | 'off'> {
  if (!settings.alertmanagerUrls.length) return 'off';
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  // Cheap check first, so the other runs of the month open no transaction.
  const [done] = await db.query('SELECT 1 FROM monthly_statements WHERE month = $1', [month]);
  if (done) return 'already sent';
  return db.transaction(async (tx) => {
    const claimed = await tx.query(
      'INSERT INTO monthly_statements (month) VALUES ($1) ON CONFLICT DO NOTHING RETURNING month',
      [month],
    );
    if (!claimed.length) return 'already sent';
    const statement = await buildStatement(tx, settings, now);
    const results = await Promise.allSettled(settings.alertmanagerUrls.map((url) => post(url, statement)));
    if (!results.some((r) => r.status === 'fulfilled')) throw (results[0] as PromiseRejectedResult).reason; // the claim rolls back; the next run tries again
    await tx.query('UPDATE monthly_statements SET sent_at = now(), text = $2 WHERE month = $1', [
      month,
      statement.text,
    ]);
    return 'sent';
  });
}
