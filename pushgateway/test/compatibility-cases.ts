import { gzipSync } from 'node:zlib';
import type { Step } from './helpers/http';

export interface CompatCase {
  name: string;
  steps: Step[];
  /** A deliberate difference: the statuses each gateway must answer, and why ours differs. */
  differs?: { official: number[]; ours: number[]; why: string };
  /** Compare HELP lines too (off where the official gateway's choice is not deterministic). */
  compareHelp?: boolean;
}

const put = (path: string, body: string, headers?: Record<string, string>): Step => ({
  method: 'PUT',
  path,
  body,
  headers,
});
const post = (path: string, body: string, headers?: Record<string, string>): Step => ({
  method: 'POST',
  path,
  body,
  headers,
});
const del = (path: string): Step => ({ method: 'DELETE', path });
const b64 = (text: string) => Buffer.from(text).toString('base64url');

const histogram = [
  '# HELP latency_seconds Request latency.',
  '# TYPE latency_seconds histogram',
  'latency_seconds_bucket{route="/a",le="0.1"} 3',
  'latency_seconds_bucket{route="/a",le="1"} 5',
  'latency_seconds_bucket{route="/a",le="+Inf"} 6',
  'latency_seconds_sum{route="/a"} 4.5',
  'latency_seconds_count{route="/a"} 6',
  '',
].join('\n');

/** Every case runs against Debian's prometheus-pushgateway 1.5 and ours, from a wiped state. */
export const compatibilityCases: CompatCase[] = [
  { name: 'PUT of an untyped sample', steps: [put('/metrics/job/a', 'x 1\n')] },
  {
    name: 'PUT of a counter with HELP and TYPE',
    steps: [put('/metrics/job/a', '# HELP c_total Things.\n# TYPE c_total counter\nc_total 7\n')],
  },
  {
    name: 'POST adds a family and keeps the others',
    steps: [put('/metrics/job/a', 'x 1\n'), post('/metrics/job/a', 'y 2\n')],
  },
  {
    name: 'POST replaces only the families it names',
    steps: [put('/metrics/job/a', 'x{k="1"} 1\nx{k="2"} 2\ny 3\n'), post('/metrics/job/a', 'x{k="3"} 9\n')],
  },
  {
    name: 'PUT replaces the whole group',
    steps: [put('/metrics/job/a', 'x 1\ny 2\n'), put('/metrics/job/a', 'z 3\n')],
  },
  {
    name: 'PUT with an empty body empties the group',
    steps: [put('/metrics/job/a', 'x 1\n'), put('/metrics/job/a', '')],
  },
  {
    name: 'POST with an empty body keeps the metrics',
    steps: [put('/metrics/job/a', 'x 1\n'), post('/metrics/job/a', '')],
  },
  {
    name: 'DELETE removes the group',
    steps: [put('/metrics/job/a', 'x 1\n'), put('/metrics/job/b', 'y 1\n'), del('/metrics/job/a')],
  },
  { name: 'DELETE of an absent group is accepted', steps: [del('/metrics/job/nothing/instance/here')] },
  { name: 'grouping labels from the path', steps: [put('/metrics/job/a/instance/i1/zone/ph', 'x 1\n')] },
  {
    name: 'path labels override body labels',
    steps: [put('/metrics/job/a/zone/ph', 'x{zone="us",k="v"} 1\n')],
  },
  {
    name: 'path job overrides a job label in the body',
    steps: [put('/metrics/job/a', 'x{job="other"} 1\n')],
  },
  { name: 'an instance label in the body is kept', steps: [put('/metrics/job/a', 'x{instance="i9"} 1\n')] },
  {
    name: 'several groups of one job',
    steps: [put('/metrics/job/a/instance/1', 'x 1\n'), put('/metrics/job/a/instance/2', 'x 2\n')],
  },
  { name: 'base64 job name', steps: [put(`/metrics/job@base64/${b64('batch/nightly')}`, 'x 1\n')] },
  {
    name: 'base64 label value with padding',
    steps: [put(`/metrics/job/a/path@base64/${Buffer.from('/api/v1').toString('base64url')}==`, 'x 1\n')],
  },
  {
    name: 'base64 label value without padding',
    steps: [put(`/metrics/job/a/path@base64/${b64('/x')}`, 'x 1\n')],
  },
  { name: 'base64 "=" is the empty value', steps: [put('/metrics/job/a/zone@base64/=', 'x 1\n')] },
  { name: 'invalid base64 is refused', steps: [put('/metrics/job/a/zone@base64/!!!', 'x 1\n')] },
  { name: 'an odd number of path components is refused', steps: [put('/metrics/job/a/zone', 'x 1\n')] },
  { name: 'an improper label name in the path is refused', steps: [put('/metrics/job/a/1zone/ph', 'x 1\n')] },
  { name: 'a reserved label name in the path is refused', steps: [put('/metrics/job/a/__zone/ph', 'x 1\n')] },
  { name: 'a histogram', steps: [put('/metrics/job/a', histogram)] },
  {
    name: 'a histogram without a +Inf bucket gets one from its count',
    steps: [put('/metrics/job/a', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 3\nh_count 2\n')],
  },
  {
    name: 'a summary',
    steps: [
      put(
        '/metrics/job/a',
        '# TYPE s summary\ns{quantile="0.5"} 1\ns{quantile="0.99"} 4\ns_sum 9\ns_count 5\n',
      ),
    ],
  },
  {
    name: 'gauge values NaN, +Inf, -Inf and exponents',
    steps: [
      put('/metrics/job/a', '# TYPE g gauge\ng{k="1"} NaN\ng{k="2"} +Inf\ng{k="3"} -Inf\ng{k="4"} 1.5e-7\n'),
    ],
  },
  { name: 'escaped label values', steps: [put('/metrics/job/a', 'x{k="a\\"b",m="c\\\\d",n="e\\nf"} 1\n')] },
  { name: 'escaped HELP text', steps: [put('/metrics/job/a', '# HELP x One\\ntwo \\\\ three.\nx 1\n')] },
  {
    name: 'comments and blank lines are ignored',
    steps: [put('/metrics/job/a', '# just a comment\n\n\nx 1\n\n')],
  },
  { name: 'unicode label values', steps: [put('/metrics/job/a', 'x{subject="Filipino: ñ, ā"} 1\n')] },
  {
    name: 'timestamps are refused and the failure time set',
    steps: [put('/metrics/job/a', 'x 1 1700000000000\n')],
  },
  {
    name: 'a type that differs from another group is refused',
    steps: [put('/metrics/job/a', '# TYPE x counter\nx 1\n'), put('/metrics/job/b', '# TYPE x gauge\nx 1\n')],
  },
  {
    name: 'a type change inside the only group holding it is fine',
    steps: [put('/metrics/job/a', '# TYPE x counter\nx 1\n'), put('/metrics/job/a', '# TYPE x gauge\nx 2\n')],
  },
  {
    name: 'POST changing the type of a family held elsewhere is refused',
    steps: [
      put('/metrics/job/a', '# TYPE x counter\nx 1\n'),
      post('/metrics/job/b', '# TYPE x gauge\nx 2\n'),
    ],
  },
  { name: 'a series repeated within a push is refused', steps: [put('/metrics/job/a', 'x 1\nx 2\n')] },
  {
    name: 'a series repeated across groups is refused',
    steps: [put('/metrics/job/a', 'x{instance="i"} 1\n'), put('/metrics/job/a/instance/i', 'x 2\n')],
  },
  {
    name: 'a series repeated across groups is refused, the wider group first',
    steps: [put('/metrics/job/a/instance/i', 'x 2\n'), put('/metrics/job/a', 'x{instance="i"} 1\ny 1\n')],
  },
  {
    name: 'series of groups with other grouping labels that differ are fine',
    steps: [put('/metrics/job/a/instance/i', 'x 2\n'), put('/metrics/job/a', 'x{instance="j"} 1\n')],
  },
  {
    name: 'a _count that collides with a histogram is refused',
    steps: [put('/metrics/job/a', histogram), put('/metrics/job/b', 'latency_seconds_count 1\n')],
  },
  {
    name: 'a histogram that collides with an existing _count is refused',
    steps: [put('/metrics/job/b', 'latency_seconds_count 1\n'), put('/metrics/job/a', histogram)],
  },
  {
    name: "a clash with the gateway's own process metrics is refused",
    steps: [put('/metrics/job/a', '# TYPE process_cpu_seconds_total gauge\nprocess_cpu_seconds_total 1\n')],
  },
  { name: 'a label syntax error is refused and nothing stored', steps: [put('/metrics/job/a', 'x{ 1\n')] },
  { name: 'a value that is not a number is refused', steps: [put('/metrics/job/a', 'x one\n')] },
  { name: 'an unknown TYPE is refused', steps: [put('/metrics/job/a', '# TYPE x countr\nx 1\n')] },
  {
    name: 'a refused push stores none of its series',
    steps: [put('/metrics/job/a', 'ok 1\n'), put('/metrics/job/a', 'ok 2\nbad{ 3\n')],
  },
  {
    name: 'gzip-encoded body',
    steps: [
      {
        method: 'PUT',
        path: '/metrics/job/a',
        body: gzipSync('# TYPE x counter\nx 5\n'),
        headers: { 'Content-Encoding': 'gzip' },
      },
    ],
  },
  {
    name: 'chunked body without Content-Type or Content-Length',
    steps: [{ method: 'POST', path: '/metrics/job/a', body: 'x 1\ny{k="v"} 2\n', chunked: true }],
  },
  {
    name: 'a Content-Type of text/plain is fine',
    steps: [put('/metrics/job/a', 'x 1\n', { 'Content-Type': 'text/plain; version=0.0.4' })],
  },
  {
    name: 'the same family with different HELP in two groups is accepted',
    steps: [put('/metrics/job/a', '# HELP x one\nx 1\n'), put('/metrics/job/b', '# HELP x two\nx 2\n')],
    compareHelp: false,
  },
  {
    name: 'a delete then a push recreates the group',
    steps: [put('/metrics/job/a', 'x 1\n'), del('/metrics/job/a'), put('/metrics/job/a', 'y 2\n')],
  },
  {
    name: 'an empty value in the plain path',
    steps: [put('/metrics/job/a/zone//x', 'x 1\n')],
    differs: {
      official: [301],
      ours: [400],
      why: 'the official redirect is taken as success by prom-client and the push is lost',
    },
  },
  {
    name: 'a trailing slash (an empty last value)',
    steps: [put('/metrics/job/a/zone/', 'x 1\n')],
    differs: {
      official: [200],
      ours: [400],
      why: 'an empty value must be explicit (zone@base64/=), not a stray slash',
    },
  },
  {
    name: 'pushing push_time_seconds',
    steps: [put('/metrics/job/a', 'push_time_seconds 5\n')],
    differs: { official: [200], ours: [400], why: 'the official gateway silently overwrites it; we say so' },
  },
  { name: 'a body without a final line feed is refused', steps: [put('/metrics/job/a', 'x 1')] },
  {
    name: 'a grouping label "quantile" over a summary is refused',
    steps: [
      put('/metrics/job/a/quantile/0.9', '# TYPE s summary\ns{quantile="0.5"} 1\ns_sum 1\ns_count 1\n'),
    ],
  },
  {
    name: 'a grouping label "le" over a histogram is refused',
    steps: [put('/metrics/job/a/le/0.5', histogram)],
    differs: {
      official: [200],
      ours: [400],
      why: 'the official gateway stores it and its scrape then has "le" twice: Prometheus drops the whole target',
    },
  },
  {
    name: 'a histogram _sum line carrying "le" is refused',
    steps: [put('/metrics/job/a', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum{le="7"} 1\nh_count 1\n')],
    differs: {
      official: [200],
      ours: [400],
      why: 'the official gateway stores it with "le" twice in its scrape',
    },
  },
];
