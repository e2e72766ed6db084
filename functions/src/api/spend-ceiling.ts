import { ConfigError, type Env, numberSetting } from '@brainbytes/telemetry/service';
import type { TutorAnswer } from '../ai/client';
import type { Subject } from '../ai/curriculum';
import { detectLanguage, OFFLINE_MODEL, offlineAnswer } from '../ai/offline-tutor';
import type { Database, Queryable } from '../data/database';

/**
 * How much AI the API may buy: a ceiling per UTC day and per UTC month, checked in the database
 * (shared by every dyno and Lambda instance, as the rate limits are) before the provider is asked.
 * Past the soft line the tutor answers briefly; past a ceiling the offline tutor answers, with a note.
 */
export interface SpendCeilingSettings {
  dailyDollars: number;
  monthlyDollars: number;
  /** Past this share of either ceiling, answers are brief (fewer tokens). */
  softFraction: number;
  /** What a call is held against the ceiling for until its cost is known, and what an unpriced call counts as. */
  reserveDollars: number;
}

export function loadSpendCeilingSettings(env: Env): SpendCeilingSettings {
  const budget = numberSetting(
    'BRAINBYTES_MONTHLY_BUDGET_DOLLARS',
    env.BRAINBYTES_MONTHLY_BUDGET_DOLLARS,
    100,
    { min: 0.01 },
  );
  // By default the AI may spend half the month's budget (dynos and databases take the rest), and a
  // day at most twice an even day's share: a flood in one day cannot take the month.
  const monthlyDollars = numberSetting(
    'AI_CEILING_MONTHLY_DOLLARS',
    env.AI_CEILING_MONTHLY_DOLLARS,
    budget / 2,
    { min: 0 },
  );
  const dailyDollars = numberSetting(
    'AI_CEILING_DAILY_DOLLARS',
    env.AI_CEILING_DAILY_DOLLARS,
    Math.round((monthlyDollars * 2 * 100) / 30) / 100,
    { min: 0 },
  );
  if (dailyDollars > monthlyDollars)
    throw new ConfigError(
      `AI_CEILING_DAILY_DOLLARS=${dailyDollars} is above AI_CEILING_MONTHLY_DOLLARS=${monthlyDollars}: a day cannot spend more than the month`,
    );
  return {
    dailyDollars,
    monthlyDollars,
    softFraction: numberSetting('AI_CEILING_SOFT_FRACTION', env.AI_CEILING_SOFT_FRACTION, 0.8, {
      min: 0,
      max: 1,
    }),
    reserveDollars: numberSetting('AI_CEILING_RESERVE_DOLLARS', env.AI_CEILING_RESERVE_DOLLARS, 0.002, {
      min: 0,
      max: 1,
    }),
  };
}

export type Tier = 'full' | 'brief' | 'offline';
export type Period = 'day' | 'month';

/** A call the ceiling admitted: the dollars held for it, in which periods, until it is settled. */
export interface Admission {
  tier: Tier;
  /** The period whose line was crossed (brief or offline), for the note and the metric. */
  period?: Period;
  periods: [string, string];
  held: number;
}

const periodsOf = (at: Date): [string, string] => {
  const iso = at.toISOString();
  return [`day:${iso.slice(0, 10)}`, `month:${iso.slice(0, 7)}`];
};

/** Held dollars of calls that started more than this long ago are released: no call lives that long. */
const HOLD_SECONDS = 120;
const HELD = `CASE WHEN reserved_until < now() THEN 0 ELSE reserved END`;

export class SpendCeiling {
  constructor(
    private readonly db: Database,
    readonly settings: SpendCeilingSettings,
  ) {}

  /**
   * Decides how the next question is answered and holds `reserveDollars` against both ceilings,
   * under the rows' locks: however many instances ask at once, the held and spent dollars together
   * stay under the ceiling.
   */
  admit(now = new Date()): Promise<Admission> {
    const periods = periodsOf(now);
    const { dailyDollars, monthlyDollars, softFraction, reserveDollars } = this.settings;
    const ceilings: Record<string, { period: Period; dollars: number }> = {
      [periods[0]]: { period: 'day', dollars: dailyDollars },
      [periods[1]]: { period: 'month', dollars: monthlyDollars },
    };
    return this.db.transaction(async (tx) => {
      await tx.query(
        'INSERT INTO ai_spend (period) VALUES ($1), ($2) ON CONFLICT (period) DO NOTHING',
        periods,
      );
      const rows = await tx.query<{ period: string; dollars: number; held: number }>(
        `SELECT period, dollars, ${HELD} AS held FROM ai_spend WHERE period IN ($1, $2) ORDER BY period FOR UPDATE`,
        periods,
      );
      let tier: Tier = 'full';
      let crossed: Period | undefined;
      // The month first: when both lines are crossed, the note names the one that lasts longer.
      for (const row of [...rows].reverse()) {
        const ceiling = ceilings[row.period]!;
        const after = Number(row.dollars) + Number(row.held) + reserveDollars;
        if (after > ceiling.dollars) {
          tier = 'offline';
          crossed = ceiling.period;
          break;
        }
        if (after > ceiling.dollars * softFraction && tier === 'full') {
          tier = 'brief';
          crossed = ceiling.period;
        }
      }
      if (tier === 'offline') return { tier, period: crossed, periods, held: 0 };
      await tx.query(
        `UPDATE ai_spend SET reserved = ${HELD} + $3::float8, reserved_until = now() + interval '${HOLD_SECONDS} seconds'
         WHERE period IN ($1, $2)`,
        [...periods, reserveDollars],
      );
      return { tier, period: crossed, periods, held: reserveDollars };
    });
  }

  /** The call was made: its cost (the held amount when unpriced) is spent, and it goes in the ledger. */
  settle(admission: Admission, answer: TutorAnswer, studentId: string): Promise<void> {
    const cost = answer.costDollars ?? this.settings.reserveDollars;
    return this.db.transaction(async (tx) => {
      await tx.query(
        `UPDATE ai_spend SET dollars = dollars + $3::float8, calls = calls + 1,
           reserved = greatest(0, reserved - $4::float8) WHERE period IN ($1, $2)`,
        [...admission.periods, cost, admission.held],
      );
      await recordCall(tx, studentId, admission.tier, answer);
    });
  }

  /** The call failed before it could be billed: what was held is free again. */
  async release(admission: Admission): Promise<void> {
    if (admission.held === 0) return;
    await this.db.query(
      'UPDATE ai_spend SET reserved = greatest(0, reserved - $3::float8) WHERE period IN ($1, $2)',
      [...admission.periods, admission.held],
    );
  }
}

function recordCall(tx: Queryable, studentId: string, tier: Tier, answer: TutorAnswer) {
  return tx.query(
    'INSERT INTO ai_calls (student_id, provider, model, tier, cost_dollars) VALUES ($1, $2, $3, $4, $5)',
    [studentId, answer.provider, answer.model, tier, answer.costDollars],
  );
}

const NOTES = {
  en: {
    day: "Today's budget for AI answers is used up, so this answer comes from the offline tutor. Full answers come back tomorrow.",
    month:
      "This month's budget for AI answers is used up, so this answer comes from the offline tutor. Full answers come back next month.",
  },
  fil: {
    day: 'Naubos na ang badyet para sa mga sagot ng AI ngayong araw, kaya galing sa offline na tutor ang sagot na ito. Babalik bukas ang buong sagot.',
    month:
      'Naubos na ang badyet para sa mga sagot ng AI ngayong buwan, kaya galing sa offline na tutor ang sagot na ito. Babalik sa susunod na buwan ang buong sagot.',
  },
} as const;

/** The answer past a ceiling: the offline tutor's, after a note in the student's language. */
export function ceilingAnswer(question: string, subject: Subject, period: Period): TutorAnswer {
  const language = detectLanguage(question);
  const { answer } = offlineAnswer(question, subject, language);
  return {
    answer: `${NOTES[language][period]}\n\n${answer}`,
    provider: 'offline',
    model: OFFLINE_MODEL,
    costDollars: 0,
  };
}
