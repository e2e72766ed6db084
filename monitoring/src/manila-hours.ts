import { ConfigError } from '@brainbytes/telemetry/service/config-error';

/**
 * A weekly window in Manila time, written the way an operator says it:
 * `monday:friday 08:00-18:00` (MANILA_BUSINESS_HOURS), `monday:friday 15:00-22:00`
 * (MANILA_STUDY_HOURS). Alertmanager reads it as a time interval; the rules as PromQL.
 */
export interface ManilaHours {
  /** First and last day, 0 = Sunday … 6 = Saturday; a range ending on Sunday ends on 7. */
  firstDay: number;
  lastDay: number;
  /** Minutes after Manila midnight; the window is [start, end). */
  startMinute: number;
  endMinute: number;
}

const DAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
export const MANILA_UTC_OFFSET_SECONDS = 8 * 3600;

function minuteOfDay(name: string, text: string, clock: string): number {
  const match = /^(\d{2}):(\d{2})$/.exec(clock);
  const minutes = match ? Number(match[1]) * 60 + Number(match[2]) : Number.NaN;
  if (!match || Number(match[2]) > 59 || minutes > 24 * 60)
    throw new ConfigError(`${name}="${text}": "${clock}" must be a time from 00:00 to 24:00`);
  return minutes;
}

export function parseManilaHours(name: string, text: string): ManilaHours {
  const match = /^([a-z]+)(?::([a-z]+))?\s+(\S+)-(\S+)$/.exec(text.trim().toLowerCase());
  const example = 'like "monday:friday 08:00-18:00" (Manila time)';
  if (!match) throw new ConfigError(`${name}="${text}" must be days and hours ${example}`);
  const [, first, last, from, to] = match as unknown as [string, string, string | undefined, string, string];
  for (const day of [first, last ?? first])
    if (!DAYS.includes(day))
      throw new ConfigError(`${name}="${text}": "${day}" is not a weekday (${DAYS.join(', ')})`);
  const firstDay = DAYS.indexOf(first);
  const lastDay = last === undefined ? firstDay : last === 'sunday' && firstDay > 0 ? 7 : DAYS.indexOf(last);
  if (lastDay < firstDay) throw new ConfigError(`${name}="${text}": the days must run forwards, ${example}`);
  const startMinute = minuteOfDay(name, text, from);
  const endMinute = minuteOfDay(name, text, to);
  if (endMinute <= startMinute)
    throw new ConfigError(`${name}="${text}": the end must be after the start on the same day, ${example}`);
  return { firstDay, lastDay, startMinute, endMinute };
}

const clock = (minutes: number) =>
  `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;

/** Alertmanager's `time_intervals` entry. */
export function alertmanagerInterval(hours: ManilaHours) {
  // Alertmanager's week starts on Sunday: monday:sunday is written monday:saturday and sunday.
  const range = (from: number, to: number) => (from === to ? DAYS[from] : `${DAYS[from]}:${DAYS[to]}`);
  const weekdays =
    hours.lastDay === 7 ? [range(hours.firstDay, 6), 'sunday'] : [range(hours.firstDay, hours.lastDay)];
  return {
    weekdays,
    times: [{ start_time: clock(hours.startMinute), end_time: clock(hours.endMinute) }],
    location: 'Asia/Manila',
  };
}

/**
 * A PromQL condition (to join with `and on ()`) that holds only inside the window, read from the
 * evaluation time shifted to Manila: `hour()` and `day_of_week()` alone would be UTC's.
 */
export function manilaHoursPromql(hours: ManilaHours): string {
  const manila = `vector(time() + ${MANILA_UTC_OFFSET_SECONDS})`;
  const day = `day_of_week(${manila})`;
  // A range ending on Sunday (day 7 here) takes PromQL's Sunday, day 0.
  const days =
    hours.lastDay === 7
      ? `(${day} >= ${hours.firstDay} or ${day} == 0)`
      : `(${day} >= ${hours.firstDay} and ${day} <= ${hours.lastDay})`;
  const minute = `((time() + ${MANILA_UTC_OFFSET_SECONDS}) % 86400) / 60`;
  return `${days} and on () (vector(${minute}) >= ${hours.startMinute} and vector(${minute}) < ${hours.endMinute})`;
}
