import { execFile } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { stringify } from 'yaml';

const run = promisify(execFile);

export interface Probe {
  expr: string;
  /** Seconds since the epoch. */
  time: number;
}

export interface ProbeGroup {
  /** promtool input series: name{labels} → values text. */
  series: Array<{ series: string; values: string }>;
  probes: Probe[];
}

export type Sample = { labels: Record<string, string>; value: number };

const key = (expr: string, time: number) => `${time}\u0000${expr}`;

/**
 * Uses promtool as a rule evaluator: every probe expects nothing, so promtool prints what each one
 * got. Returns the samples per probe (an empty list when the expression had no result).
 */
export async function probeRules(
  promtool: string,
  file: string,
  ruleFiles: string[],
  intervalSeconds: number,
  groupOrder: string[],
  groups: ProbeGroup[],
): Promise<(probe: Probe) => Sample[]> {
  const test = {
    rule_files: ruleFiles,
    evaluation_interval: `${intervalSeconds}s`,
    group_eval_order: groupOrder,
    tests: groups.map((g) => ({
      interval: `${intervalSeconds}s`,
      input_series: g.series,
      promql_expr_test: g.probes.map((p) => ({ expr: p.expr, eval_time: `${p.time}s`, exp_samples: [] })),
    })),
  };
  writeFileSync(file, stringify(test, { lineWidth: 0 }));
  const result = await run(promtool, ['test', 'rules', file], { maxBuffer: 256 * 1024 * 1024 }).catch(
    (e: { stdout: string; stderr: string }) => e,
  );
  const output = `${result.stdout}${result.stderr}`;
  if (!output.includes('expr:') && !output.includes('SUCCESS'))
    throw new Error(`promtool could not run the probes:\n${output.slice(0, 4000)}`);
  const found = new Map<string, Sample[]>();
  const pattern = /expr: ("(?:[^"\\]|\\.)*"), time: ([0-9a-z]+),\s+exp: nil\s+got: (.*)/g;
  for (const match of output.matchAll(pattern)) {
    const expr = JSON.parse(match[1] as string) as string;
    const samples: Sample[] = [];
    for (const s of (match[3] as string).matchAll(/\{([^}]*)\} ([-+.0-9eEInfNa]+)/g)) {
      const labels: Record<string, string> = {};
      for (const l of (s[1] as string).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
        labels[l[1] as string] = l[2] as string;
      samples.push({ labels, value: Number(s[2]) });
    }
    found.set(key(expr, promDuration(match[2] as string)), samples);
  }
  if (output.includes('FAILED') && found.size === 0)
    throw new Error(`promtool failed without probe results:\n${output.slice(0, 4000)}`);
  return (probe) => found.get(key(probe.expr, probe.time)) ?? [];
}

/** promtool prints times as Prometheus durations (1d2h5m); back to seconds. */
function promDuration(text: string): number {
  const units: Record<string, number> = { y: 31536000, w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };
  let seconds = 0;
  for (const [, n, unit] of text.matchAll(/(\d+)(ms|y|w|d|h|m|s)/g))
    seconds += Number(n) * (units[unit as string] ?? 0);
  return seconds;
}
