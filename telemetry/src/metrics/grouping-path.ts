/**
 * The gateway path of a group: `/metrics/job/<job>/<label>/<value>…`. Values that are empty or
 * contain `/` travel as `<label>@base64/<url-safe base64>` (`=` for empty), as the Pushgateway API defines.
 */
export function groupingPath(job: string, labels: Record<string, string>): string {
  const part = (name: string, value: string) => {
    if (value === '' || value.includes('/')) {
      return `${name}@base64/${value === '' ? '=' : Buffer.from(value).toString('base64url')}`;
    }
    return `${name}/${encodeURIComponent(value)}`;
  };
  return `/metrics/${[part('job', job), ...Object.entries(labels).map(([n, v]) => part(n, v))].join('/')}`;
}
