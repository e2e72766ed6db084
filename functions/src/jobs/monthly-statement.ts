import { ConfigError, splitUrlCredentials } from '@brainbytes/telemetry/service';
import type { Database, Queryable } from '../data/database';

/**
 * The monthly statement: on the 1st (at the job's first run of the month, or the first that can
 * reach Prometheus and Alertmanager), last month's spend by provider and by what drove it, against
 * the budget, to the budget owner through Alertmanager (its email route and SMTP settings).
 *
 * Sent once: claim, post, confirm (see sendMonthlyStatement). Several Alertmanagers must be one
 * cluster (as for Prometheus's alerts), which then sends it once.
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

/** Builds last month's statement: AI from the ledger of billed calls (stored or not), Heroku and Lambda as Prometheus had them at month end. */
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
     FROM ai_calls WHERE at >= $1 AND at < $2 GROUP BY provider, model ORDER BY dollars DESC, answers DESC`,
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
    `  AI: ${dollars(ai)} (every billed call, its answer stored or not)`,
    `  Heroku: ${heroku ? dollars(sum(heroku)) : 'not known (MONTHLY_STATEMENT_PROMETHEUS_URL is not set)'}`,
    `  Lambda: ${lambda ? dollars(sum(lambda)) : 'not known (MONTHLY_STATEMENT_PROMETHEUS_URL is not set)'}`,
    '',
    'AI by model:',
    ...list(
      models.map((m) => ({ name: `${m.provider}/${m.model} (${m.answers} calls)`, dollars: m.dollars })),
      'no calls',
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

/** The alert a statement travels as: the same labels and start every time, so Alertmanager sees one alert. */
function statementAlert(statement: Statement, claimedAt: Date, now: Date) {
  return {
    labels: {
      alertname: 'MonthlyStatement',
      category: 'budget',
      severity: 'info',
      team: 'product',
      service: 'budget',
      month: statement.month,
    },
    annotations: { summary: statement.summary, description: statement.text },
    startsAt: claimedAt.toISOString(),
    // Long enough to be sent (group_wait), short enough that it is gone long before next month.
    endsAt: new Date(Math.max(now.getTime(), claimedAt.getTime()) + 3_600_000).toISOString(),
  };
}

async function post(url: string, alert: ReturnType<typeof statementAlert>, timeoutMs: number) {
  const { href, headers } = endpoint(url, '/api/v2/alerts');
  const res = await fetch(href, {
    method: 'POST',
    headers: { ...headers, 'Content-Type': 'application/json' },
    body: JSON.stringify([alert]),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) throw new Error(`Alertmanager answered ${res.status} to the monthly statement`);
}

/** Whether an Alertmanager already holds `month`'s statement (a post whose answer was lost did land). */
async function arrived(url: string, month: string, timeoutMs: number): Promise<boolean> {
  const { href, headers } = endpoint(url, '/api/v2/alerts');
  const filter = new URLSearchParams([
    ['filter', 'alertname="MonthlyStatement"'],
    ['filter', `month="${month}"`],
  ]);
  const res = await fetch(`${href}?${filter}`, { headers, signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`Alertmanager answered ${res.status} when asked for the monthly statement`);
  return ((await res.json()) as unknown[]).length > 0;
}

export interface StatementTiming {
  /** How long a post may take before its outcome counts as unknown (10 s). */
  postTimeoutMs?: number;
  /** How long a claim whose post has no known outcome is left to its holder before the next run looks (2 min). */
  claimStaleMs?: number;
}

/**
 * Sends last month's statement unless it has been sent; 'off' without MONTHLY_STATEMENT_ALERTMANAGER_URLS.
 *
 * Claim, post, confirm: the month is claimed in its own committed row before anything is posted.
 * A post that fails outright gives the claim back; one whose answer never came (a slow
 * Alertmanager) keeps it, and the next run first asks the Alertmanagers whether the statement
 * arrived, posting again only when none has it, and then the same alert (same labels and start),
 * which Alertmanager would treat as one. A timeout never makes a second email.
 */
export async function sendMonthlyStatement(
  db: Database,
  settings: StatementSettings,
  now = new Date(),
  { postTimeoutMs = 10_000, claimStaleMs = 120_000 }: StatementTiming = {},
): Promise<'sent' | 'already sent' | 'in progress' | 'off'> {
  if (!settings.alertmanagerUrls.length) return 'off';
  const month = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
  const [row] = await db.query<{ sent_at: Date | null }>(
    'SELECT sent_at FROM monthly_statements WHERE month = $1',
    [month],
  );
  if (row?.sent_at) return 'already sent';
  // Claim (or take over a claim whose holder never learned how its post went).
  const [claim] = await db.query<{ claimed_at: Date; taken_over: boolean }>(
    `INSERT INTO monthly_statements AS m (month) VALUES ($1)
     ON CONFLICT (month) DO UPDATE SET month = m.month
       WHERE m.sent_at IS NULL AND m.claimed_at < now() - $2::float8 * interval '1 millisecond'
     RETURNING claimed_at, (xmax <> 0) AS taken_over`,
    [month, claimStaleMs],
  );
  if (!claim) return row ? 'in progress' : 'already sent';
  let statement: Statement | undefined;
  const confirm = () =>
    db.query('UPDATE monthly_statements SET sent_at = now(), text = coalesce(text, $2) WHERE month = $1', [
      month,
      statement?.text ?? null,
    ]);
  if (claim.taken_over) {
    const found = await Promise.allSettled(
      settings.alertmanagerUrls.map((url) => arrived(url, month, postTimeoutMs)),
    );
    if (found.some((r) => r.status === 'fulfilled' && r.value)) {
      await confirm();
      return 'sent';
    }
    if (!found.some((r) => r.status === 'fulfilled'))
      throw new Error(
        'no Alertmanager answered whether the monthly statement arrived; the next run asks again',
      );
  }
  statement = await buildStatement(db, settings, now);
  const alert = statementAlert(statement, new Date(claim.claimed_at), now);
  const results = await Promise.allSettled(
    settings.alertmanagerUrls.map((url) => post(url, alert, postTimeoutMs)),
  );
  if (results.some((r) => r.status === 'fulfilled')) {
    await confirm();
    return 'sent';
  }
  const unknown = results.some((r) => {
    const name = ((r as PromiseRejectedResult).reason as Error | undefined)?.name;
    return name === 'TimeoutError' || name === 'AbortError';
  });
  // Refused or unreachable everywhere: nothing arrived, the claim goes back for the next run.
  if (!unknown)
    await db.query('DELETE FROM monthly_statements WHERE month = $1 AND sent_at IS NULL', [month]);
  throw (results[0] as PromiseRejectedResult).reason;
}
