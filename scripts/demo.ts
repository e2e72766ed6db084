/**
 * `npm run demo`: simulated students use the running stack over HTTP — sign up, start study
 * sessions, ask the tutor, and report real-user metrics from "their browsers" — so the dashboards
 * and alerts have realistic data within minutes. Phones and computers, 4G to slow 2G, busier in
 * Manila's after-school hours. Bounded: it stops by itself.
 *
 *   npm run demo -- [--students 24] [--minutes 3] [--url http://127.0.0.1:3001] [--intensity 1]
 *
 * `--intensity` (0.05–1) fixes how busy students are instead of reading Manila's hour: 1 is the
 * evening peak, whatever the time here.
 */
import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    students: { type: 'string', default: process.env.DEMO_STUDENTS ?? '24' },
    minutes: { type: 'string', default: process.env.DEMO_MINUTES ?? '3' },
    url: { type: 'string', default: process.env.DEMO_URL },
    quiet: { type: 'boolean', default: false },
    intensity: { type: 'string' },
  },
});

const STUDENTS = Number(values.students);
const MINUTES = Number(values.minutes);
if (!Number.isInteger(STUDENTS) || STUDENTS < 1 || STUDENTS > 500)
  throw new Error(`--students "${values.students}" must be a whole number from 1 to 500`);
if (!(MINUTES > 0 && MINUTES <= 60))
  throw new Error(`--minutes "${values.minutes}" must be more than 0 and at most 60`);
const INTENSITY = values.intensity === undefined ? undefined : Number(values.intensity);
if (INTENSITY !== undefined && !(INTENSITY >= 0.05 && INTENSITY <= 1))
  throw new Error(`--intensity "${values.intensity}" must be a number from 0.05 to 1`);

const say = (line: string) => process.stdout.write(`[demo] ${line}\n`);

type Connection = '4g' | '3g' | '2g' | 'slow-2g';
const weighted = <T>(choices: [T, number][]): T => {
  let r = Math.random() * choices.reduce((s, [, w]) => s + w, 0);
  for (const [value, weight] of choices) {
    r -= weight;
    if (r < 0) return value;
  }
  return choices[0]![0];
};
const jitter = (value: number) => value * (0.6 + Math.random() * 0.8);
/**
 * SIGTERM or Ctrl-C ends the demo the way students leave: each finishes the request it is
 * waiting for, then stops (killed mid-request, they would count as dropped connections).
 */
const leaving = new AbortController();
const run = { until: 0 };
for (const signal of ['SIGTERM', 'SIGINT'] as const)
  process.once(signal, () => {
    say(`${signal}: students finish what they are doing and leave`);
    run.until = Date.now();
    leaving.abort();
  });
const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    const leave = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      leaving.signal.removeEventListener('abort', leave);
      resolve();
    }, ms);
    leaving.signal.addEventListener('abort', leave, { once: true });
  });

const PHONE_UA =
  'Mozilla/5.0 (Linux; Android 13; SM-A146P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Mobile Safari/537.36';
const DESKTOP_UA =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36';
/** Seconds of LCP a page takes on each connection, before jitter. */
const LCP_SECONDS: Record<Connection, number> = { '4g': 1.6, '3g': 2.8, '2g': 6.5, 'slow-2g': 11 };
const QUESTIONS: Record<string, string[]> = {
  math: ['How do I add fractions?', 'Paano mag-multiply ng fractions?', 'What is the Pythagorean theorem?'],
  science: ['What is photosynthesis?', 'Ano ang photosynthesis?', 'Why is the sky blue?'],
  english: ['What is a noun?', 'When do I use past tense?'],
  filipino: ['Ano ang pangngalan?', 'Ano ang pandiwa?'],
  history: ['Who was Jose Rizal?', 'Kailan ang EDSA People Power?'],
};

/** How busy students are at this Manila hour (UTC+8): after school and evenings are the peak. */
function manilaIntensity(now = new Date()): { hour: number; intensity: number } {
  const hour = (now.getUTCHours() + 8) % 24;
  const intensity =
    hour >= 15 && hour < 22 ? 1 : hour >= 7 && hour < 15 ? 0.6 : hour >= 22 || hour < 1 ? 0.4 : 0.15;
  return { hour, intensity };
}

const stats = { students: 0, questions: 0, rumEvents: 0, errors: 0, rateLimited: 0 };

async function main() {
  const base = await pickBase();
  const { hour, intensity: byHour } = manilaIntensity();
  const intensity = INTENSITY ?? byHour;
  say(
    `${STUDENTS} students for ${MINUTES} min against ${base}; Manila time ${String(hour).padStart(2, '0')}:00, intensity ${intensity}`,
  );
  run.until = Date.now() + MINUTES * 60_000;
  const progress = setInterval(
    () =>
      say(
        `${stats.students} students active, ${stats.questions} questions, ${stats.rumEvents} RUM events, ${stats.errors} errors, ${stats.rateLimited} rate-limited (waited)`,
      ),
    10_000,
  );
  await Promise.all(
    Array.from({ length: STUDENTS }, (_, i) =>
      sleep(i * 400).then(() => (Date.now() < run.until ? student(i, base, intensity) : undefined)),
    ),
  );
  clearInterval(progress);
  say(`done: ${stats.questions} questions, ${stats.rumEvents} RUM events, ${stats.errors} errors`);
  if (stats.questions === 0) {
    say('no question got an answer: is the stack running? (npm start)');
    process.exitCode = 1;
  }
}

/** Through the web app's /api proxy when it runs, else straight to the API. */
async function pickBase(): Promise<string> {
  const candidates = values.url ? [values.url] : ['http://127.0.0.1:3001', 'http://127.0.0.1:3000'];
  for (const url of candidates) {
    try {
      if ((await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(3000) })).ok)
        return url.replace(/\/$/, '');
    } catch {
      // try the next one
    }
  }
  throw new Error(
    `nothing answers at ${candidates.join(' or ')}/api/health: start the stack first (npm start)`,
  );
}

/**
 * Who the students are, in a fixed rotation so even a short demo has every kind: three in four on
 * phones; phones on 4G, 3G, 2G and slow 2G about 45/30/17/8, computers mostly on 4G.
 */
const PROFILES: [mobile: boolean, connection: Connection][] = [
  [true, '4g'],
  [true, '3g'],
  [true, '2g'],
  [false, '4g'],
  [true, 'slow-2g'],
  [true, '4g'],
  [true, '3g'],
  [false, '4g'],
  [true, '4g'],
  [true, '2g'],
  [true, '3g'],
  [false, '3g'],
];

async function student(index: number, base: string, intensity: number) {
  const [mobile, connection] = PROFILES[index % PROFILES.length]!;
  // One student in five hits a JavaScript error, and one mistypes a password first.
  const unlucky = index % 5 === 0;
  const client_type = mobile ? 'mobile' : 'desktop';
  const headers: Record<string, string> = {
    'User-Agent': mobile ? PHONE_UA : DESKTOP_UA,
    'X-Forwarded-For': `10.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 255)}.${Math.floor(Math.random() * 254) + 1}`,
    'Content-Type': 'application/json',
  };
  const call = async <T>(
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ) => {
    const attempt = () =>
      fetch(`${base}${path}`, {
        method,
        headers: { ...headers, ...extra },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(40_000),
      });
    // A student whose app cannot reach us (no answer, 502–504) tries again a little later, as the
    // app's queue does, while the demo lasts; nothing was stored, so sending again is safe.
    const send = async (): Promise<Response> => {
      for (;;) {
        const res = await attempt().catch((error: Error) => error);
        const down = res instanceof Error || (res.status >= 502 && res.status <= 504);
        if (!down || Date.now() + 5_000 >= run.until) {
          if (res instanceof Error) throw res;
          return res;
        }
        stats.errors++;
        await sleep(5_000);
      }
    };
    let res = await send();
    // Rate limited: wait as told (the app's queue does the same), while the demo lasts.
    while (res.status === 429 && Date.now() < run.until) {
      stats.rateLimited++;
      const wait = Number(res.headers.get('retry-after') ?? 10) * 1000;
      await sleep(Math.min(wait, Math.max(0, run.until - Date.now())));
      res = await send();
    }
    if (!res.ok) {
      stats.errors++;
      throw new Error(`${method} ${path}: ${res.status}`);
    }
    return (res.status === 204 ? undefined : await res.json()) as T;
  };
  const rum = (page: string, events: Record<string, unknown>[]) => {
    stats.rumEvents += events.length;
    return call('POST', '/api/rum', {
      events: events.map((e) => ({ page, client_type, connection, ...e })),
    }).catch(() => undefined);
  };
  const pageLoad = (page: string) => {
    const lcp = jitter(LCP_SECONDS[connection]);
    return rum(page, [
      { type: 'page_view' },
      { type: 'vital', name: 'TTFB', value: Math.round(jitter(lcp * 180)) },
      { type: 'vital', name: 'FCP', value: Math.round(jitter(lcp * 650)) },
      { type: 'vital', name: 'LCP', value: Math.round(lcp * 1000) },
      { type: 'vital', name: 'CLS', value: Number((Math.random() * 0.08).toFixed(3)) },
      { type: 'transfer', bytes: Math.round(jitter(158_000)) },
    ]);
  };
  try {
    const email = `demo-${randomUUID().slice(0, 8)}@example.ph`;
    const { token } = await call<{ token: string }>('POST', '/api/auth/register', {
      email,
      name: 'Demo Student',
      password: 'demo-password-2026',
    });
    stats.students++;
    if (unlucky) {
      const wrong = await fetch(`${base}/api/auth/login`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ email, password: 'not-my-password' }),
      });
      if (wrong.status !== 401) stats.errors++;
    }
    const auth = { Authorization: `Bearer ${token}` };
    await pageLoad('/ask');
    while (Date.now() < run.until) {
      const subject = weighted<string>([
        ['math', 30],
        ['science', 25],
        ['english', 15],
        ['filipino', 15],
        ['history', 15],
      ]);
      const session = await call<{ id: string }>(
        'POST',
        '/api/sessions',
        { subject },
        { ...auth, 'Idempotency-Key': randomUUID() },
      );
      await rum('/ask', [{ type: 'action', action: 'subject_change' }]);
      for (let n = 0; n < 2 + Math.floor(Math.random() * 4) && Date.now() < run.until; n++) {
        const pool = QUESTIONS[subject] ?? QUESTIONS.math!;
        const question = pool[Math.floor(Math.random() * pool.length)]!;
        // Weak signals drop: the question waits on the phone and is sent again later, once.
        // Weak signals drop the first question of a session; then one in three.
        const dropped = (connection === '2g' || connection === 'slow-2g') && (n === 0 || Math.random() < 0.3);
        if (dropped) await rum('/ask', [{ type: 'connection', event: 'offline' }]);
        await call(
          'POST',
          `/api/sessions/${session.id}/questions`,
          { question },
          { ...auth, 'Idempotency-Key': randomUUID() },
        );
        stats.questions++;
        await rum('/ask', [
          { type: 'action', action: 'ask' },
          ...(dropped
            ? [
                { type: 'connection', event: 'online' },
                { type: 'connection', event: 'replayed' },
              ]
            : []),
          { type: 'vital', name: 'INP', value: Math.round(jitter(mobile ? 180 : 90)) },
          ...(unlucky && n === 0 ? [{ type: 'error', kind: 'js' }] : []),
        ]);
        await sleep(jitter(8000 / intensity));
      }
      if (Math.random() < 0.3) {
        await call('GET', '/api/sessions', undefined, auth);
        await pageLoad('/sessions');
      }
    }
  } catch (error) {
    if (!values.quiet) say(`a student stopped: ${(error as Error).message}`);
  }
}

main().catch((error: Error) => {
  say(error.message);
  process.exitCode = 1;
});
