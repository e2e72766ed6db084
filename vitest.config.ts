import { defineConfig } from 'vitest/config';

// One config, one project per workspace. Integration tests start real servers and binaries,
// so timeouts are generous and files run in parallel only as far as two cores allow.
export default defineConfig({
  test: {
    projects: [
      {
        test: { name: 'telemetry', root: './telemetry', include: ['src/**/*.test.ts', 'test/**/*.test.ts'] },
      },
      {
        test: {
          name: 'pushgateway',
          root: './pushgateway',
          include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
        },
      },
    ],
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
