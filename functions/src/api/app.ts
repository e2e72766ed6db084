import { type AppMetrics, clientTypeOf, httpMetrics } from '@brainbytes/telemetry/metrics';
import type { Logger } from '@brainbytes/telemetry/service';
import express, { type Request, type RequestHandler, type Response } from 'express';
import { z } from 'zod';
import { CURRICULUM, type Language, SUBJECTS, type Subject } from '../ai/curriculum';
import type { Database } from '../data/database';
import { errorHandler, HttpError, parseBody } from '../http';
import { answerHtml, withAnswerHtml } from './answer-html';
import { clientAddress } from './client-address';
import type { Learning } from './learning';
import { type RateLimits, rateLimited } from './rate-limits';
import { parseRumBatch, RateLimiter, RecentBatches, recordRum, rumBatchId } from './rum';
import type { Student, Students } from './students';

/** PostgreSQL text cannot hold U+0000: refused as a 400 here rather than failing as a 500 in the database. */
const noNul = (value: string) => !value.includes('\u0000');
const NO_NUL = { message: 'must not contain a NUL character' };

/** The largest JSON body any route takes (RUM batches included); the web app's proxy refuses more before reading it. */
export const MAX_BODY_BYTES = 16 * 1024;
const MAX_BODY = `${MAX_BODY_BYTES}b`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

const text = () => z.string().refine(noNul, NO_NUL);
const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, 'at most 254 characters')
  .email('must be an email address');
const register = z.object({
  email,
  name: text().pipe(z.string().trim().min(1, 'required').max(100, 'at most 100 characters')),
  password: text().pipe(z.string().min(8, 'at least 8 characters').max(200, 'at most 200 characters')),
});
const login = z.object({
  email,
  password: text().pipe(z.string().min(1, 'required').max(200, 'at most 200 characters')),
  /** Device tokens this browser got from earlier log-ins (any account): the owner's lets them past an account lock. */
  devices: z.array(z.string().max(100, 'at most 100 characters')).max(5, 'at most 5').optional(),
});
const verify = z.object({
  email,
  code: z
    .string()
    .trim()
    .regex(/^\d{6}$/, 'the six digits from the email'),
  password: text().pipe(z.string().min(1, 'required').max(200, 'at most 200 characters')),
});
const subject = z.enum(SUBJECTS as [Subject, ...Subject[]], { message: `one of ${SUBJECTS.join(', ')}` });
const startSession = z.object({ subject });
const askQuestion = z.object({
  question: text().pipe(
    z.string().trim().min(1, 'required, 1 to 2000 characters').max(2000, 'at most 2000 characters'),
  ),
});

/** `Idempotency-Key` header: what lets a flaky phone send the same write twice and have it happen once. */
function idempotencyKey(req: Request): string | undefined {
  const key = req.headers['idempotency-key'];
  if (key === undefined) return undefined;
  if (typeof key !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(key)) {
    throw new HttpError(400, 'Idempotency-Key must be 1 to 128 printable ASCII characters');
  }
  return key;
}

/** The bearer token of `Authorization: Bearer <token>`, if any. */
function bearer(req: Request): string | undefined {
  return /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
}

/** The student `requireStudent` found for this request. */
const studentOf = (res: Response) => res.locals.student as Student;

function sessionIdOf(req: Request): string {
  const id = String(req.params.id ?? '');
  if (!UUID.test(id)) throw new HttpError(404, 'no such study session');
  return id;
}

/** The API: sign-up, log-in, study sessions, questions, subjects and health. */
export function createApiApp({
  db,
  students,
  learning,
  limits,
  logger,
  metrics,
  rumPerMinute = 60,
  trustProxyHops = 0,
  proxySecret,
}: {
  db: Database;
  students: Students;
  learning: Learning;
  limits: RateLimits;
  logger: Logger;
  metrics?: AppMetrics;
  rumPerMinute?: number;
  /** Proxies in front whose X-Forwarded-For entry is believed: Heroku's router (1), or none (0). */
  trustProxyHops?: number;
  /** API_PROXY_SECRET: a request carrying it comes from the web app's proxy, whose client address is believed. */
  proxySecret?: string;
}) {
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', trustProxyHops); // Heroku's router appends to X-Forwarded-For; 0: the header is ignored
  const addressOf = clientAddress(proxySecret);
  if (metrics) app.use(httpMetrics(metrics));
  // sendBeacon posts text/plain; the RUM route reads JSON from either.
  app.use('/api/rum', express.json({ limit: MAX_BODY, type: ['application/json', 'text/plain'] }));
  app.use(express.json({ limit: MAX_BODY }));

  app.get('/api/health', async (_req, res) => {
    try {
      await db.query('SELECT 1');
      res.json({ status: 'ok', database: db.kind });
    } catch {
      res.status(503).json({ status: 'unavailable', database: db.kind });
    }
  });

  app.post('/api/auth/register', async (req, res) => {
    const { email: address, name, password } = parseBody(register, req.body);
    const result = await students.register(address, name, password, addressOf(req));
    res.status('token' in result ? 201 : 202).json(result);
  });
  app.post('/api/auth/verify', async (req, res) => {
    const { email: address, code, password } = parseBody(verify, req.body);
    res.status(201).json(await students.verify(address, code, password, addressOf(req)));
  });
  app.post('/api/auth/login', async (req, res) => {
    const { email: address, password, devices } = parseBody(login, req.body);
    res.json(await students.login(address, password, addressOf(req), devices));
  });
  /** Routes behind it have a signed-in student (`studentOf(res)`); 401 for anyone else. */
  const requireStudent: RequestHandler = async (req, res, next) => {
    res.locals.student = await students.authenticate(bearer(req));
    next();
  };

  app.post('/api/auth/logout', async (req, res) => {
    await students.logout(bearer(req));
    res.status(204).end();
  });
  // Whether a token still works, and whose it is: one indexed lookup (the page without JavaScript
  // asks on every view).
  app.get('/api/auth/me', requireStudent, (_req, res) => {
    const { id, email, name } = studentOf(res);
    res.set('Cache-Control', 'no-store');
    res.json({ student: { id, email, name } });
  });

  const rumLimit = new RateLimiter(rumPerMinute);
  const recorded = new RecentBatches();
  app.post('/api/rum', (req, res) => {
    if (!rumLimit.allow(addressOf(req))) {
      metrics?.apiRateLimited.inc({ limit: 'rum' });
      throw rateLimited('rum', 60);
    }
    const id = rumBatchId(req.body);
    const events = parseRumBatch(req.body);
    // Validated first: a bad batch sent again is refused again, not taken as a repeat.
    if (metrics && (id === undefined || recorded.first(id))) recordRum(events, metrics);
    res.status(204).end();
  });

  // The curriculum as reading material, rendered once per process: `?language=en|fil` for one
  // language (what the app asks: half the bytes), both without it.
  app.get('/api/subjects', (req, res) => {
    const asked = req.query.language;
    if (asked !== undefined && !LANGUAGES.includes(asked as Language))
      throw new HttpError(400, `language: must be one of ${LANGUAGES.join(', ')}`);
    const languages = asked === undefined ? LANGUAGES : [asked as Language];
    res.set('Cache-Control', 'public, max-age=3600');
    res.json(SUBJECTS.map((id) => ({ id, materials: materialsOf(id, languages) })));
  });

  app.post('/api/sessions', requireStudent, async (req, res) => {
    const student = studentOf(res);
    const { subject: chosen } = parseBody(startSession, req.body);
    const { session, created } = await learning.startSession(
      student.id,
      chosen,
      idempotencyKey(req),
      async () => {
        if (!student.synthetic) await limits.take('sessions', student.id);
      },
    );
    res.status(created ? 201 : 200).json(session);
  });
  app.get('/api/sessions', requireStudent, async (_req, res) => {
    res.json(await learning.listSessions(studentOf(res).id));
  });
  app.post('/api/sessions/:id/end', requireStudent, async (req, res) => {
    res.json(await learning.endSession(studentOf(res).id, sessionIdOf(req)));
  });
  app.post('/api/sessions/:id/questions', requireStudent, async (req, res) => {
    const student = studentOf(res);
    const { question } = parseBody(askQuestion, req.body);
    // The synthetic student is counted apart (and is no student for per-student limits).
    const clientType = student.synthetic ? 'synthetic' : clientTypeOf(req.headers['user-agent']);
    const address = addressOf(req);
    const result = await learning.ask(student.id, sessionIdOf(req), question, {
      key: idempotencyKey(req),
      clientType,
      admit: async () => {
        if (student.synthetic) return;
        await limits.take('questions_address', address);
        await limits.take('questions', student.id);
        await limits.take('questions_daily', student.id);
      },
      // The client hint a browser's data saver sends (and the app's own setting): a shorter answer.
      brief: String(req.headers['save-data'] ?? '')
        .split(',')
        .some((hint) => hint.trim().toLowerCase() === 'on'),
    });
    res.status(result.created ? 201 : 200).json(withAnswerHtml(result.question));
  });
  app.get('/api/sessions/:id/questions', requireStudent, async (req, res) => {
    res.json((await learning.history(studentOf(res).id, sessionIdOf(req))).map(withAnswerHtml));
  });

  app.use(() => {
    throw new HttpError(404, 'no such route');
  });
  app.use(
    errorHandler(
      (error, req) => logger.error('API request failed', { path: req.path, error: error as Error }),
      `${MAX_BODY_BYTES} bytes`,
    ),
  );
  return app;
}

const LANGUAGES: readonly Language[] = ['en', 'fil'];
const rendered = new Map<string, string>();

/** A subject's lessons in the given languages, each as written and as the lesson HTML answers carry. */
function materialsOf(subject: Subject, languages: readonly Language[]) {
  return CURRICULUM.filter((l) => l.subject === subject).flatMap((l) =>
    languages.map((language) => {
      const text = l.answer[language];
      const html = rendered.get(text) ?? answerHtml(text);
      rendered.set(text, html);
      return { language, text, html };
    }),
  );
}
