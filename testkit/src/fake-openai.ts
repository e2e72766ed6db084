import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Behaviour = 'ok' | 401 | 429 | 500 | 'hang';

/**
 * An OpenAI-compatible chat-completions server (POST /v1/chat/completions): JSON answers with
 * usage (including cached prompt tokens), SSE streams that end with a usage chunk when asked
 * (`stream_options.include_usage`), 429 and 500 errors in the API's error shape, or no answer at all.
 */
export class FakeOpenAi {
  readonly requests: Array<Record<string, unknown>> = [];
  readonly behaviours: Behaviour[] = [];
  answer = 'Add the numerators once the denominators match: 3/6 + 2/6 = 5/6.';
  usage = { prompt_tokens: 120, completion_tokens: 40, cached_tokens: 20 };
  private readonly hung: http.ServerResponse[] = [];
  private server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => this.handle(JSON.parse(body || '{}'), req, res));
  });
  url = '';

  async start() {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/v1`;
    return this;
  }

  async stop() {
    for (const res of this.hung) res.destroy();
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(body: Record<string, unknown>, req: http.IncomingMessage, res: http.ServerResponse) {
    this.requests.push({ ...body, authorization: req.headers.authorization });
    const behaviour = this.behaviours.shift() ?? 'ok';
    const error = (status: number, type: string, message: string) => {
      res.writeHead(status, { 'Content-Type': 'application/json', 'retry-after-ms': '10' });
      res.end(JSON.stringify({ error: { message, type, code: type } }));
    };
    if (behaviour === 'hang') return void this.hung.push(res);
    if (behaviour === 401) {
      // As OpenAI words it: the message quotes the key's first and last characters.
      const key = String(req.headers.authorization ?? '').replace(/^Bearer /, '');
      return error(
        401,
        'invalid_request_error',
        `Incorrect API key provided: ${key.slice(0, 3)}*****${key.slice(-4)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      );
    }
    if (behaviour === 429) return error(429, 'rate_limit_exceeded', 'Rate limit reached for requests');
    if (behaviour === 500) return error(500, 'server_error', 'The server had an error');
    const model = String(body.model);
    const usage = {
      prompt_tokens: this.usage.prompt_tokens,
      completion_tokens: this.usage.completion_tokens,
      total_tokens: this.usage.prompt_tokens + this.usage.completion_tokens,
      prompt_tokens_details: { cached_tokens: this.usage.cached_tokens },
    };
    const base = { id: 'chatcmpl-test', created: Math.floor(Date.now() / 1000), model };
    if (!body.stream) {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return void res.end(
        JSON.stringify({
          ...base,
          object: 'chat.completion',
          choices: [
            { index: 0, message: { role: 'assistant', content: this.answer }, finish_reason: 'stop' },
          ],
          usage,
        }),
      );
    }
    res.writeHead(200, { 'Content-Type': 'text/event-stream' });
    const words = this.answer.split(/(?<= )/);
    for (const word of words) {
      res.write(
        `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: word }, finish_reason: null }] })}\n\n`,
      );
    }
    if ((body.stream_options as { include_usage?: boolean } | undefined)?.include_usage) {
      res.write(
        `data: ${JSON.stringify({ ...base, object: 'chat.completion.chunk', choices: [], usage })}\n\n`,
      );
    }
    res.end('data: [DONE]\n\n');
  }
}
