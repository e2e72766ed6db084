import type { Logger } from '@brainbytes/telemetry';
import { HttpError } from '@brainbytes/telemetry/http-error';
import express, { type NextFunction, type Request, type Response } from 'express';
import { answerRequest } from './contract';
import { type Tutor, TutorUnavailable } from './tutor';

const MAX_BODY = '16kb';

/** `POST /ai/answer` (JSON, or server-sent events when asked to stream) and `GET /ai/health`. */
export function createAiApp(tutor: Tutor, logger: Logger) {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: MAX_BODY }));

  app.get('/ai/health', (_req, res) => {
    res.json({ status: 'ok' });
  });

  app.post('/ai/answer', async (req, res) => {
    const parsed = answerRequest.safeParse(req.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new HttpError(400, `${issue.path.join('.') || 'body'}: ${issue.message}`);
    }
    const { stream, ...request } = parsed.data;
    const wantsStream = stream === true || String(req.headers.accept ?? '').includes('text/event-stream');
    if (!wantsStream) {
      res.json(await tutor.answer(request));
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
    });
    try {
      const result = await tutor.answer(request, (delta) =>
        res.write(`data: ${JSON.stringify({ delta })}\n\n`),
      );
      res.end(`event: done\ndata: ${JSON.stringify(result)}\n\n`);
    } catch (error) {
      const message = error instanceof TutorUnavailable ? error.message : 'the tutor failed to answer';
      res.end(`event: error\ndata: ${JSON.stringify({ error: message })}\n\n`);
    }
  });

  app.use((_req: Request, _res: Response) => {
    throw new HttpError(404, 'no such route; POST /ai/answer');
  });

  app.use((error: unknown, req: Request, res: Response, _next: NextFunction) => {
    const type = (error as { type?: string }).type;
    const [status, message] =
      error instanceof HttpError
        ? [error.status, error.message]
        : error instanceof TutorUnavailable
          ? [503, error.message]
          : type === 'entity.parse.failed'
            ? [400, 'body is not valid JSON']
            : type === 'entity.too.large'
              ? [413, `body is larger than ${MAX_BODY}`]
              : [500, 'internal error'];
    if (status === 500) logger.error('AI request failed', { path: req.path, error: error as Error });
    res.status(status).json({ error: message });
  });
  return app;
}
