import type { Logger } from '@brainbytes/telemetry/service';
import express, { type Request, type Response } from 'express';
import { errorHandler, HttpError, parseBody } from '../http';
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
    const { stream, ...request } = parseBody(answerRequest, req.body);
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

  app.use(
    errorHandler(
      (error, req) => logger.error('AI request failed', { path: req.path, error: error as Error }),
      MAX_BODY,
      (error) => (error instanceof TutorUnavailable ? new HttpError(503, error.message) : undefined),
    ),
  );
  return app;
}
