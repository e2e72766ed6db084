/**
 * A deliberately small, independent reader of scrape output for tests: sample lines become
 * `name{sorted labels}` → value, with `le`/`quantile` normalized as numbers. It shares no code
 * with the gateway's parser, so it can catch that parser's mistakes.
 */
export interface Scrape {
  samples: Map<string, number>;
  types: Map<string, string>;
  helps: Map<string, string>;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)$/;
const PAIR = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

export function readScrape(text: string, keep: (name: string) => boolean = () => true): Scrape {
  const scrape: Scrape = { samples: new Map(), types: new Map(), helps: new Map() };
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const meta = /^# (TYPE|HELP) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      if (keep(meta[2]!)) (meta[1] === 'TYPE' ? scrape.types : scrape.helps).set(meta[2]!, meta[3]!);
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`unreadable scrape line: ${line}`);
    const [, name, labelText = '', raw] = match as unknown as [string, string, string | undefined, string];
    if (!keep(name)) continue;
    const pairs = [...labelText.matchAll(PAIR)].map(([, k, v]) => {
      const value = k === 'le' || k === 'quantile' ? String(Number(v === '+Inf' ? 'Infinity' : v)) : v;
      return `${k}="${value}"`;
    });
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    scrape.samples.set(`${name}{${pairs.sort().join(',')}}`, value);
  }
  return scrape;
}

export async function scrape(
  url: string,
  keep?: (name: string) => boolean,
  headers: Record<string, string> = {},
) {
  const res = await fetch(`${url}/metrics`, { headers });
  if (!res.ok) throw new Error(`scrape of ${url} answered ${res.status}: ${await res.text()}`);
  return readScrape(await res.text(), keep);
}

/** One scrape of `url`'s /metrics, as text; throws on any status but 200. */
export async function scrapeText(url: string, headers: Record<string, string> = {}) {
  const res = await fetch(`${url}/metrics`, { headers });
  if (res.status !== 200) throw new Error(`scrape answered ${res.status}`);
  return res.text();
}
