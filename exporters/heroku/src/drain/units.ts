// Units Heroku writes in `sample#` values: memory in MB (dynos) or kB (add-ons), disk in bytes,
// paging in pages. Heroku's MB and kB are powers of 1024, as /proc/meminfo and dyno quotas are.
const UNIT_BYTES: Record<string, number> = {
  '': 1,
  bytes: 1,
  B: 1,
  kB: 1024,
  KB: 1024,
  MB: 1024 ** 2,
  GB: 1024 ** 3,
  pages: 4096,
};

/** `21.00MB` → 22020096; `0.99` → 0.99; undefined when the value or unit is unknown. */
export function sampleValue(text: string): number | undefined {
  const match = /^(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)([A-Za-z]*)$/.exec(text);
  if (!match) return undefined;
  const factor = UNIT_BYTES[match[2]!];
  return factor === undefined ? undefined : Number(match[1]) * factor;
}

/** `18ms` → 0.018 (router connect and service times). */
export function millisToSeconds(text: string | undefined): number | undefined {
  if (!text) return undefined;
  const match = /^(\d+(?:\.\d+)?)ms$/.exec(text);
  return match ? Number(match[1]) / 1000 : undefined;
}
