/**
 * How the tests and the rehearsal run `npm run demo` (scripts/demo.ts) as a child process: node
 * with tsx, at the evening peak whatever Manila's hour is where it runs (each student asks about
 * every 8 s), against `url`.
 */
export function demoArgs({ students, minutes, url }: { students: number; minutes: number; url: string }) {
  return [
    ...['--import', 'tsx', 'scripts/demo.ts'],
    ...['--students', String(students), '--minutes', String(minutes)],
    ...['--intensity', '1', '--url', url],
  ];
}
