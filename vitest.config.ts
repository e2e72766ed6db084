import { defineConfig } from 'vitest/config';

// `extends: true`: each project inherits the root options below (timeouts), not vitest's 5 s default.
const project = (name: string, root: string) => ({
  extends: true as const,
  test: { name, root, include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
});

// One config, one project per workspace. Integration tests start real servers and binaries,
// so timeouts are generous.
export default defineConfig({
  test: {
    projects: [
      project('telemetry', './telemetry'),
      project('pushgateway', './pushgateway'),
      project('heroku-exporter', './exporters/heroku'),
      project('functions', './functions'),
      project('monitoring', './monitoring'),
      project('web', './web'),
      // The repository as a whole: deployment files, and the end-to-end chain.
      {
        extends: true as const,
        test: {
          name: 'stack',
          root: '.',
          include: ['test/**/*.test.ts'],
          exclude: ['test/rehearsal.test.ts'],
        },
      },
      // The production rehearsal times alerts against the clock: it runs last, alone on the machine,
      // so the rest of the suite's load cannot make the API slow enough to alert.
      {
        extends: true as const,
        test: {
          name: 'rehearsal',
          root: '.',
          include: ['test/rehearsal.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
