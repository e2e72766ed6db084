import { spawnSync } from 'node:child_process';
import { requireBinary } from './binaries';

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?[ \t]+(\S+)$/;
const PAIR = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"(?:,|$)/;

/** The family a sample line belongs to, given the TYPE lines seen so far. */
function familyOf(name: string, types: Map<string, string>): string {
  const suffix = /_(bucket|sum|count)$/.exec(name);
  if (suffix) {
    const base = name.slice(0, suffix.index);
    const type = types.get(base);
    if (type === 'histogram' || (type === 'summary' && suffix[1] !== 'bucket')) return base;
  }
  return name;
}

/**
 * What a strict scraper would refuse in a scrape, independently of the gateway's code: a label
 * name twice in one series (Prometheus: `label name "le" is not unique`, and the target is down),
 * a second TYPE for a name, a family whose samples are not together, the same series twice.
 */
export function scrapeProblems(text: string): string[] {
  const problems: string[] = [];
  const types = new Map<string, string>();
  const finished = new Set<string>();
  const series = new Set<string>();
  let current = '';
  const enter = (family: string, line: string) => {
    if (family === current) return;
    if (finished.has(family)) problems.push(`family "${family}" is split: ${line}`);
    if (current) finished.add(current);
    current = family;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (TYPE|HELP) (\S+)/.exec(line);
    if (meta) {
      if (meta[1] === 'TYPE') {
        if (types.has(meta[2]!)) problems.push(`second TYPE for "${meta[2]}"`);
        types.set(meta[2]!, line.split(' ')[3] ?? '');
      }
      enter(meta[2]!, line);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) {
      problems.push(`unreadable line: ${line.slice(0, 200)}`);
      continue;
    }
    const [, name, labelText = ''] = match as unknown as [string, string, string | undefined];
    enter(familyOf(name, types), line);
    const names: string[] = [];
    let rest = labelText;
    while (rest.length > 0) {
      const pair = PAIR.exec(rest);
      if (!pair) {
        problems.push(`unreadable labels: ${line.slice(0, 200)}`);
        break;
      }
      names.push(pair[1]!);
      rest = rest.slice(pair[0].length);
    }
    const repeated = names.find((n, i) => names.indexOf(n) !== i);
    if (repeated) problems.push(`label name "${repeated}" is not unique: ${line.slice(0, 200)}`);
    const id = `${name}{${labelText.split(',').sort().join(',')}}`;
    if (series.has(id)) problems.push(`series twice: ${line.slice(0, 200)}`);
    series.add(id);
  }
  return problems;
}

/** `promtool check metrics` on the text: its parse errors (lint advice about names is not an error). */
export function promtoolParseError(text: string): string | undefined {
  const promtool = requireBinary('promtool', 'prometheus');
  const run = spawnSync(promtool, ['check', 'metrics'], { input: text, encoding: 'utf8' });
  const output = `${run.stdout}${run.stderr}`;
  return run.status === 1 || output.includes('error while linting') ? output.trim() : undefined;
}
