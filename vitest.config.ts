import { defineConfig } from 'vitest/config';
import RehearsalFirst from './vitest.sequencer.ts';

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
      // The production rehearsal times alerts against the clock. It starts first and runs beside
      // the rest (vitest.sequencer.ts), its processes ahead of theirs for the CPU (rehearsal.test.ts).
      {
        extends: true as const,
        test: {
          name: 'rehearsal',
          root: '.',
          include: ['test/rehearsal.test.ts'],
        },
      },
    ],
    // Most files wait on real servers, binaries and a browser rather than compute, but this machine
    // has 2 cores and the rehearsal times alerts against the clock beside them. Four files at a time
    // ran the suite in 475 s on an earlier day; on 2026-12-05 the same machine took 610 s that way,
    // and each of three fresh-clone runs (four or three at a time) failed a different timing or
    // start-up check under the load (a 30 s start, a 0.5 s probe, a latency alert, a late
    // Watchdog). Two at a time: slower, and what CI must be, green.
    // BRAINBYTES_TEST_WORKERS changes it (1 runs every file alone).
    maxWorkers: Number(process.env.BRAINBYTES_TEST_WORKERS) || 2,
    sequence: { sequencer: RehearsalFirst },
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
