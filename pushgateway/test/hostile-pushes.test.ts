import { scrape } from '@brainbytes/testkit/exposition';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InProcessGateway, startInProcess } from '../src/in-process';
import { request } from './helpers/http';

describe('hostile pushes are refused with a 4xx that says why, and store nothing', () => {
  let gw: InProcessGateway;
  beforeAll(async () => {
    gw = await startInProcess({
      PUSHGATEWAY_MAX_LABEL_NAME_LENGTH: '32',
      PUSHGATEWAY_MAX_LABEL_VALUE_LENGTH: '64',
    });
  });
  afterAll(async () => gw.close());
  const send = (method: 'PUT' | 'POST', path: string, body: string, headers: Record<string, string> = {}) =>
    request(gw.url, { method, path, body, headers });
  const delta = (path: string, body: string, id?: string) =>
    send('POST', path, body, { 'X-Push-Mode': 'delta', ...(id ? { 'X-Push-Id': id } : {}) });
  const value = async (series: string) => (await scrape(gw.url)).samples.get(series);

  it('applies a retried push id once, and refuses the id reused for another body, group or mode with 409', async () => {
    const body = '# TYPE reused_total counter\nreused_total 1\n';
    expect((await delta('/metrics/job/ids', body, 'id-1')).status).toBe(200);
    expect((await delta('/metrics/job/ids', body, 'id-1')).status).toBe(200);
    const other = [
      await delta('/metrics/job/ids', '# TYPE reused_total counter\nreused_total 5\n', 'id-1'),
      await delta('/metrics/job/other-group', body, 'id-1'),
      await send('POST', '/metrics/job/ids', body, { 'X-Push-Id': 'id-1' }),
    ];
    for (const reply of other) {
      expect([reply.status, reply.body]).toEqual([
        409,
        expect.stringContaining('X-Push-Id "id-1" was used for a different push'),
      ]);
    }
    expect(await value('reused_total{instance="",job="ids"}')).toBe(1);
    expect(await value('reused_total{instance="",job="other-group"}')).toBeUndefined();
  });

  it.each([
    ['a counter delta of +Inf', '# TYPE inf_total counter\ninf_total +Inf\n', 'finite'],
    ['a counter delta of NaN', '# TYPE inf_total counter\ninf_total NaN\n', 'finite'],
    [
      'a histogram delta with a NaN sum',
      '# TYPE inf_h histogram\ninf_h_bucket{le="+Inf"} 1\ninf_h_sum NaN\ninf_h_count 1\n',
      'not finite',
    ],
    [
      'a histogram delta with an infinite bucket',
      '# TYPE inf_h histogram\ninf_h_bucket{le="1"} +Inf\ninf_h_bucket{le="+Inf"} 1\ninf_h_sum 1\ninf_h_count 1\n',
      'non-finite',
    ],
  ])('refuses %s: it would stay in the running total for good', async (_, body, why) => {
    const reply = await delta('/metrics/job/inf', body);
    expect([reply.status, reply.body]).toEqual([400, expect.stringContaining(why)]);
    expect([...(await scrape(gw.url)).samples.keys()].filter((k) => k.startsWith('inf_'))).toEqual([]);
  });

  it('holds grouping labels in the path to the same length limits as labels in the body', async () => {
    const longValue = await send('PUT', `/metrics/job/a/zone/${'v'.repeat(65)}`, 'x 1\n');
    expect([longValue.status, longValue.body]).toEqual([
      400,
      expect.stringMatching(
        /value of label "zone" of the path is longer than 64 .*PUSHGATEWAY_MAX_LABEL_VALUE_LENGTH/,
      ),
    ]);
    const longJob = await send('PUT', `/metrics/job/${'j'.repeat(65)}`, 'x 1\n');
    expect(longJob.status).toBe(400);
    const longName = await send('PUT', `/metrics/job/a/${'n'.repeat(33)}/v`, 'x 1\n');
    expect([longName.status, longName.body]).toEqual([
      400,
      expect.stringContaining('PUSHGATEWAY_MAX_LABEL_NAME_LENGTH'),
    ]);
    expect(gw.gateway.store.groups.size).toBe(2); // the two groups of the push-id test only
  });

  it('refuses base64 values that are not UTF-8, so two byte strings cannot name one group', async () => {
    for (const bytes of [[0xff], [0xfe]]) {
      const encoded = Buffer.from(bytes).toString('base64url');
      const reply = await send('PUT', `/metrics/job/a/zone@base64/${encoded}`, 'x 1\n');
      expect([reply.status, reply.body]).toEqual([400, expect.stringContaining('not valid UTF-8')]);
    }
    const body = await send('PUT', '/metrics/job/a', `x{zone="${String.fromCharCode(0xfffd)}"} 1\n`);
    expect(body.status).toBe(200); // a real U+FFFD, sent as UTF-8, is an ordinary value
    const raw = await request(gw.url, {
      method: 'PUT',
      path: '/metrics/job/b',
      body: Buffer.from([0x78, 0x7b, 0x7a, 0x3d, 0x22, 0xff, 0x22, 0x7d, 0x20, 0x31, 0x0a]),
    });
    expect([raw.status, raw.body]).toEqual([400, 'body is not valid UTF-8']);
    await send('PUT', '/metrics/job/a', '');
  });

  it("keeps a group's own fields in /api/v1/metrics: those names are refused, __proto__ is an ordinary key", async () => {
    for (const name of ['labels', 'last_push_successful']) {
      const reply = await send('PUT', '/metrics/job/api', `${name} 1\n`);
      expect([reply.status, reply.body]).toEqual([
        400,
        expect.stringContaining(`metric name "${name}" is a field`),
      ]);
    }
    expect((await send('PUT', '/metrics/job/api', '__proto__ 3\nkept 1\n')).status).toBe(200);
    const json = (await (await fetch(`${gw.url}/api/v1/metrics`)).json()) as {
      data: Array<Record<string, unknown>>;
    };
    const entry = json.data.find((g) => (g.labels as Record<string, string>).job === 'api')!;
    expect(entry.labels).toEqual({ job: 'api' });
    expect(entry.last_push_successful).toBe(true);
    expect(Object.keys(entry)).toEqual(expect.arrayContaining(['__proto__', 'kept']));
    expect(Object.getOwnPropertyDescriptor(entry, '__proto__')?.value).toMatchObject({ type: 'UNTYPED' });
  });

  it('refuses a body without a final line feed, as the official gateway does', async () => {
    const reply = await send('PUT', '/metrics/job/nl', 'x 1');
    expect([reply.status, reply.body]).toEqual([400, expect.stringContaining('must end with a line feed')]);
  });
});

describe('the cross-group duplicate check costs what the push touches, not the number of groups', () => {
  let gw: InProcessGateway;
  beforeAll(async () => {
    gw = await startInProcess();
  });
  afterAll(async () => gw.close());

  /** Milliseconds for one 10,000-series push of a name `holders` groups hold, each with its own label-name set. */
  const bigPushMs = async (holders: number, tag: string) => {
    for (let n = 0; n < holders; n += 100) {
      await Promise.all(
        Array.from({ length: Math.min(100, holders - n) }, (_, i) =>
          request(gw.url, {
            method: 'PUT',
            path: `/metrics/job/${tag}/l${n + i}/x`,
            body: `${tag}_s{a="${n + i}"} 1\n`,
          }),
        ),
      );
    }
    const body = Array.from({ length: 10_000 }, (_, i) => `${tag}_s{a="${i}",b="big"} 1\n`).join('');
    const t0 = performance.now();
    const reply = await request(gw.url, { method: 'PUT', path: `/metrics/job/${tag}-big`, body });
    expect(reply.status, reply.body).toBe(200);
    return performance.now() - t0;
  };

  it('takes about as long with 3,000 distinct label-name sets as with 3 (was 19 s against 0.05 s)', async () => {
    const few = await bigPushMs(3, 'few');
    const many = await bigPushMs(3000, 'many');
    expect(many).toBeLessThan(10 * few + 500);
    // And a series equal to one another group holds is still found among them.
    const clash = await request(gw.url, {
      method: 'PUT',
      path: '/metrics/job/many/l7/x',
      body: 'many_s{a="7"} 2\n',
    });
    expect(clash.status).toBe(200);
    const dup = await request(gw.url, {
      method: 'PUT',
      path: '/metrics/job/many',
      body: 'many_s{a="7",l7="x"} 1\n',
    });
    expect([dup.status, dup.body]).toEqual([400, expect.stringContaining('was collected before')]);
  });
});
