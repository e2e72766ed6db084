import http from 'node:http';

export interface Step {
  method: 'PUT' | 'POST' | 'DELETE' | 'GET';
  path: string;
  body?: string | Buffer;
  headers?: Record<string, string>;
  /** Send the body chunked, with neither Content-Length nor Content-Type (as prom-client does). */
  chunked?: boolean;
}

export interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** One raw HTTP request, with exact control over headers and framing (fetch adds its own). */
export function request(baseUrl: string, step: Step): Promise<Reply> {
  const url = new URL(baseUrl);
  const body = step.body === undefined ? undefined : Buffer.from(step.body);
  const headers: Record<string, string | number> = { ...step.headers };
  if (body && !step.chunked) headers['Content-Length'] = body.length;
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: url.hostname, port: url.port, method: step.method, path: step.path, headers },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            body: Buffer.concat(chunks).toString('utf8'),
            headers: res.headers,
          }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error(`${step.method} ${step.path} timed out`)));
    if (body && step.chunked) {
      const half = Math.ceil(body.length / 2);
      req.write(body.subarray(0, half));
      req.write(body.subarray(half));
    } else if (body) req.write(body);
    req.end();
  });
}
