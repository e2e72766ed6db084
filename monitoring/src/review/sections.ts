import type { Sample, Section, Window } from './review';

/** The review's sections, each from its own queries over one window (review.ts). */

/** The API's availability objective (the burn-rate alerts use the same). */
export const AVAILABILITY_SLO = 0.995;

export const num = (s: Sample | undefined) => (s ? Number(s.value[1]) : undefined);
export const fmt = (n: number | undefined, digits = 0) =>
  n === undefined || !Number.isFinite(n)
    ? '—'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const pct = (n: number | undefined, digits = 1) =>
  n === undefined || !Number.isFinite(n) ? '—' : `${fmt(100 * n, digits)} %`;
const dollars = (n: number | undefined, digits = 2) => (n === undefined ? '—' : `$${fmt(n, digits)}`);
const seconds = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? '—' : `${fmt(n, 2)} s`);

/** What fired: each start of firing, by name and team, the noisiest, and the rules that never fired. */
export async function alertsSection(
  { both, compare, steps }: Window,
  alertRules: string[],
): Promise<Section> {
  // Alerts: each start of firing (present now, absent a minute before), by name and team.
  const starts = `sum by (alertname, team) (count_over_time((ALERTS{alertstate="firing",alertname!="Watchdog"} unless ALERTS{alertstate="firing"} offset 1m)[${steps(60)}]))`;
  const [fired, firedBefore] = await both(starts);
  const previously = new Map(firedBefore.map((s) => [s.metric.alertname, num(s)]));
  const firedRows = fired
    .map((s) => ({ name: s.metric.alertname ?? '', team: s.metric.team ?? '', n: num(s) ?? 0 }))
    .sort((a, b) => b.n - a.n || a.name.localeCompare(b.name));
  const firedNames = new Set(firedRows.map((r) => r.name));
  const never = alertRules.filter((a) => a !== 'Watchdog' && !firedNames.has(a)).sort();
  const alerts: Section = {
    title: 'Alerts',
    lines: [
      firedRows.length
        ? `Noisiest: ${firedRows
            .slice(0, 3)
            .map((r) => `${r.name} (${r.n})`)
            .join(', ')}.`
        : 'Nothing fired.',
      `Never fired: ${never.length} of ${alertRules.filter((a) => a !== 'Watchdog').length} rules${never.length ? ` (${never.join(', ')})` : ''}.`,
    ],
    tables: [
      {
        columns: ['alert', 'team', 'times fired', 'the period before'],
        rows: firedRows.map((r) => [r.name, r.team, fmt(r.n), fmt(previously.get(r.name) ?? 0)]),
      },
    ],
  };
  const totalFired = firedRows.reduce((n, r) => n + r.n, 0);
  compare(
    'alerts fired',
    totalFired,
    [...previously.values()].reduce<number>((n, v) => n + (v ?? 0), 0),
    (n) => fmt(n),
  );
  return alerts;
}

/** Availability against the SLO, p95 by route and LCP p95 by connection. */
export async function reliabilitySection({ both, scalar, compare, range }: Window): Promise<Section> {
  // Reliability: availability against the SLO, p95 by route and by connection.
  const api = 'job="brainbytes-api"';
  const [errors, errorsBefore] = await scalar(
    `(sum(increase(brainbytes_http_requests_total{${api},status_code=~"5.."}[${range}])) or vector(0)) / sum(increase(brainbytes_http_requests_total{${api}}[${range}]))`,
  );
  const budgetUsed = (e: number | undefined) => (e === undefined ? undefined : e / (1 - AVAILABILITY_SLO));
  compare('error budget used', budgetUsed(errors), budgetUsed(errorsBefore), (n) => pct(n, 0));
  const p95 = (by: string, selector: string, bucket: string) =>
    both(`histogram_quantile(0.95, sum by (${by}, le) (increase(${bucket}{${selector}}[${range}])))`);
  const [routes, routesBefore] = await p95('route', api, 'brainbytes_http_request_duration_seconds_bucket');
  const [connections, connectionsBefore] = await p95(
    'connection',
    'metric="LCP"',
    'brainbytes_web_vitals_seconds_bucket',
  );
  const byLabel = (samples: Sample[], label: string) =>
    new Map(samples.map((s) => [s.metric[label] ?? '', num(s)]));
  const routesThen = byLabel(routesBefore, 'route');
  const connectionsThen = byLabel(connectionsBefore, 'connection');
  for (const s of routes)
    compare(`p95 ${s.metric.route}`, num(s), routesThen.get(s.metric.route ?? ''), seconds);
  const reliability: Section = {
    title: 'Reliability and speed',
    lines: [
      `API availability ${pct(errors === undefined ? undefined : 1 - errors, 2)} against the ${pct(AVAILABILITY_SLO)} objective: ${pct(budgetUsed(errors), 0)} of the error budget used (the period before: ${pct(budgetUsed(errorsBefore), 0)}).`,
    ],
    tables: [
      {
        columns: ['route', 'p95', 'the period before'],
        rows: routes
          .filter((s) => Number.isFinite(num(s)))
          .sort((a, b) => (num(b) ?? 0) - (num(a) ?? 0))
          .map((s) => [
            s.metric.route ?? '',
            seconds(num(s)),
            seconds(routesThen.get(s.metric.route ?? '') ?? undefined),
          ]),
      },
      {
        columns: ['connection', 'LCP p95', 'the period before'],
        rows: connections
          .filter((s) => Number.isFinite(num(s)))
          .map((s) => [
            s.metric.connection ?? '',
            seconds(num(s)),
            seconds(connectionsThen.get(s.metric.connection ?? '') ?? undefined),
          ]),
      },
    ],
  };
  return reliability;
}

/** Active students, questions, and the Manila hours they were asked in. */
export async function studentsSection({
  query,
  scalar,
  compare,
  range,
  steps,
  end,
}: Window): Promise<Section> {
  // Students: active, questions, and when (Manila hour).
  const [active, activeBefore] = await scalar(
    `max(max_over_time(brainbytes_active_students{window="7d"}[${range}]))`,
  );
  const [questions, questionsBefore] = await scalar(
    `sum(increase(brainbytes_questions_total{client_type!="synthetic"}[${range}]))`,
  );
  compare('questions asked', questions, questionsBefore, (n) => fmt(n));
  compare('active students', active, activeBefore, (n) => fmt(n));
  // Questions in each Manila hour of the day: the hourly increases over the period (it ends on the
  // hour, so each lies inside it), summed by the hour they fell in (a subquery step at UTC hour H
  // covers the hour before it).
  const hours = (
    await Promise.all(
      Array.from({ length: 24 }, async (_, utc) => {
        const [s] = await query(
          `sum_over_time((sum(increase(brainbytes_questions_total{client_type!="synthetic"}[1h])) and on () hour() == ${utc})[${steps(3600)}])`,
          end,
        );
        const manila = (utc - 1 + 8 + 24) % 24;
        return {
          metric: { manila_hour: String(manila).padStart(2, '0') },
          value: s?.value ?? [end, '0'],
        } as Sample;
      }),
    )
  ).filter((s) => Number(s.value[1]) > 0);
  const students: Section = {
    title: 'Students',
    lines: [
      `Active students (7 days, at most): ${fmt(active)} (the period before: ${fmt(activeBefore)}).`,
      `Questions asked: ${fmt(questions)} (the period before: ${fmt(questionsBefore)}).`,
    ],
    tables: [
      {
        columns: ['Manila hour', 'questions'],
        rows: hours
          .sort((a, b) => (a.metric.manila_hour ?? '').localeCompare(b.metric.manila_hour ?? ''))
          .filter((s) => (num(s) ?? 0) > 0.5)
          .map((s) => [`${s.metric.manila_hour}:00`, fmt(num(s))]),
      },
    ],
  };
  return students;
}

/** This month's spend against the budget, by provider, and the AI cost per question. */
export async function spendSection({ both, scalar, compare, range }: Window): Promise<Section> {
  // Spend: this month against the budget; cost per question over the period.
  const [providers] = await both('provider:brainbytes_spend_dollars:month_to_date');
  const [total] = await scalar('brainbytes:spend_dollars:month_to_date');
  const [budget] = await scalar('brainbytes:budget_dollars:monthly');
  const [perQuestion, perQuestionBefore] = await scalar(
    `sum(increase(brainbytes_ai_cost_dollars_total[${range}])) / sum(increase(brainbytes_questions_total{client_type!="synthetic"}[${range}]))`,
  );
  compare('AI cost per question', perQuestion, perQuestionBefore, (n) => dollars(n, 4));
  const spend: Section = {
    title: 'Spend',
    lines: [
      `This month so far: ${dollars(total)} of the ${dollars(budget)} budget (${pct(total !== undefined && budget ? total / budget : undefined, 0)}).`,
      `AI cost per question: ${dollars(perQuestion, 4)} (the period before: ${dollars(perQuestionBefore, 4)}).`,
    ],
    tables: [
      {
        columns: ['provider', 'month to date'],
        rows: providers
          .sort((a, b) => (num(b) ?? 0) - (num(a) ?? 0))
          .map((s) => [s.metric.provider ?? '', dollars(num(s))]),
      },
    ],
  };
  return spend;
}

/** The five largest relative changes against the period before, of all the sections compared. */
export function biggestChanges(changes: Change[]): Section {
  const biggest: Section = {
    title: 'Biggest changes against the period before',
    lines: changes
      .map((c) => ({ ...c, ratio: c.now / c.then - 1 }))
      .sort((a, b) => Math.abs(b.ratio) - Math.abs(a.ratio))
      .slice(0, 5)
      .map(
        (c) =>
          `${c.what}: ${c.show(c.then)} → ${c.show(c.now)} (${c.ratio >= 0 ? '+' : ''}${fmt(100 * c.ratio)} %)`,
      ),
    tables: [],
  };
  if (!biggest.lines.length) biggest.lines.push('Nothing to compare: no data for the period before.');
  return biggest;
}

export interface Change {
  what: string;
  now: number;
  then: number;
  show: (n: number) => string;
}
