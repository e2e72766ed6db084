import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { loadMonitoringConfig } from '../src/config';
import { alertmanagerInterval, manilaHoursPromql, parseManilaHours } from '../src/manila-hours';
import { requireBinary } from './helpers/render';

const promtool = requireBinary('promtool', 'prometheus');

/**
 * Whether the PromQL window holds at each evaluation time, by the real promtool. Its clock starts
 * at the Unix epoch: Thursday 00:00 UTC, which is Thursday 08:00 in Manila.
 */
async function holdsAt(text: string, evalTimes: string[]): Promise<Record<string, boolean>> {
  const dir = mkdtempSync(join(tmpdir(), 'manila-hours-'));
  const condition = manilaHoursPromql(parseManilaHours('TEST_HOURS', text));
  writeFileSync(join(dir, 'rules.yml'), JSON.stringify({ groups: [] }));
  const result: Record<string, boolean> = {};
  for (const evalTime of evalTimes) {
    for (const holds of [true, false]) {
      writeFileSync(
        join(dir, 'test.yml'),
        JSON.stringify({
          rule_files: ['rules.yml'],
          evaluation_interval: '1m',
          tests: [
            {
              interval: '1m',
              input_series: [],
              promql_expr_test: [
                {
                  expr: `count(vector(1) and on () (${condition}))`,
                  eval_time: evalTime,
                  exp_samples: holds ? [{ labels: '{}', value: 1 }] : [],
                },
              ],
            },
          ],
        }),
      );
      const passed = await promisify(execFile)(promtool, ['test', 'rules', join(dir, 'test.yml')]).then(
        () => true,
        () => false,
      );
      if (passed) result[evalTime] = holds;
    }
    if (!(evalTime in result)) throw new Error(`promtool could not evaluate ${condition} at ${evalTime}`);
  }
  return result;
}

describe('Manila hours (MANILA_BUSINESS_HOURS, MANILA_STUDY_HOURS)', () => {
  it('refuses what is not days and hours, naming the variable', () => {
    for (const [text, problem] of [
      ['weekdays 08:00-18:00', /"weekdays" is not a weekday/],
      ['monday:friday 8-18', /"8" must be a time/],
      ['monday:friday 18:00-08:00', /end must be after the start/],
      ['friday:monday 08:00-18:00', /days must run forwards/],
      ['monday:friday 08:00-25:00', /"25:00" must be a time/],
      ['monday:friday', /must be days and hours/],
    ] as const)
      expect(() => loadMonitoringConfig({ MANILA_BUSINESS_HOURS: text }), text).toThrow(
        new RegExp(`MANILA_BUSINESS_HOURS="${text}".*${problem.source}`),
      );
    expect(() => loadMonitoringConfig({ MANILA_STUDY_HOURS: 'often' })).toThrow(/MANILA_STUDY_HOURS/);
  });

  it('renders Alertmanager time intervals in Asia/Manila, a week ending on Sunday split in two', () => {
    expect(alertmanagerInterval(parseManilaHours('X', 'monday:friday 08:00-18:00'))).toEqual({
      weekdays: ['monday:friday'],
      times: [{ start_time: '08:00', end_time: '18:00' }],
      location: 'Asia/Manila',
    });
    expect(alertmanagerInterval(parseManilaHours('X', 'Monday:Sunday 00:05-24:00')).weekdays).toEqual([
      'monday:saturday',
      'sunday',
    ]);
    expect(alertmanagerInterval(parseManilaHours('X', 'saturday 09:30-12:00')).weekdays).toEqual([
      'saturday',
    ]);
  });

  it('holds in PromQL only inside the window, by Manila’s day and minute, not UTC’s', async () => {
    // 08h: Thursday 16:00 Manila (study time); 03h: 11:00 (school); 14h: 22:00 (the end is open).
    expect(await holdsAt('monday:friday 15:00-22:00', ['8h', '3h', '13h59m', '14h'])).toEqual({
      '8h': true,
      '3h': false,
      '13h59m': true,
      '14h': false,
    });
    // 16h UTC Thursday is Friday 00:00 in Manila: a Friday-only window holds, though UTC says Thursday.
    expect(await holdsAt('friday 00:00-01:00', ['15h59m', '16h', '17h'])).toEqual({
      '15h59m': false,
      '16h': true,
      '17h': false,
    });
    // Saturday and Sunday in Manila (days 2 and 3 after the epoch): only a week through Sunday holds.
    expect(await holdsAt('monday:friday 00:00-24:00', ['2d', '3d'])).toEqual({ '2d': false, '3d': false });
    expect(await holdsAt('monday:sunday 00:00-24:00', ['2d', '3d', '4d'])).toEqual({
      '2d': true,
      '3d': true,
      '4d': true,
    });
  }, 60_000);
});
