import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 60_000,
    pool: 'forks',
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/browser/**'],
        },
      },
      {
        // The real-Chromium conformance suite: one browser for all its files (globalSetup),
        // files one after another, cases 6 at a time within a file.
        extends: true,
        test: {
          name: 'chromium',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/harness/global-setup.ts'],
          fileParallelism: false,
          maxConcurrency: 6,
          testTimeout: 60_000,
        },
      },
    ],
  },
});
