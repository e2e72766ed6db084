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
          exclude: ['test/rehearsal.test.ts', 'test/quiet-stack.test.ts'],
        },
      },
      // A newcomer's stack must stay silent through a demo: beside a browser test file, its students'
      // sign-ups (a 32 MiB password hash each) took over 1 s and the API latency budget's slow burn
      // went pending (CI, 2026-12-05). It runs alone after the rest (group 1), before the rehearsal.
      {
        extends: true as const,
        test: {
          name: 'quiet-stack',
          root: '.',
          include: ['test/quiet-stack.test.ts'],
          sequence: { groupOrder: 1 },
        },
      },
      // The production rehearsal times alerts against the clock with a whole stack and its students
      // on this machine: it runs last, alone (each group starts when the one before has finished). Beside
      // other files, even at nice -10, their load made its API slow enough to page (a password
      // hash took 0.69 s, 0.17 s on an idle machine; every sign-up took over 1 s).
      {
        extends: true as const,
        test: {
          name: 'rehearsal',
          root: '.',
          include: ['test/rehearsal.test.ts'],
          sequence: { groupOrder: 2 },
        },
      },
    ],
    // Most files wait on real servers, binaries and a browser rather than compute, but this machine
    // has 2 cores. On 2026-12-05, fresh-clone runs at four and three files at a time each failed a
    // different timing or start-up check under the load (a 30 s start, a 0.5 s probe). Two at a
    // time. BRAINBYTES_TEST_WORKERS changes it (1 runs every file alone).
    maxWorkers: Number(process.env.BRAINBYTES_TEST_WORKERS) || 2,
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll waits for what a real server or browser does, under the same load: vitest's 1 s
    // failed a wrong-password login in CI (2026-12-05), whose 32 MiB password hash alone can take
    // over 1 s here. A poll that passes returns as soon as it does.
    expect: { poll: { timeout: 10_000 } },
  },
});
