import path from 'node:path';
import { defineConfig } from 'vitest/config';

const alias = {
  '@': path.resolve(import.meta.dirname, '.'),
  // Next resolves server-only to an empty module on the server; node needs the same.
  'server-only': path.resolve(import.meta.dirname, 'tests/helpers/server-only.ts'),
};

export default defineConfig({
  resolve: { alias },
  test: {
    projects: [
      {
        resolve: { alias },
        test: {
          name: 'unit',
          // Projects with different worker limits run as separate groups: unit first, then integration.
          sequence: { groupOrder: 0 },
          include: ['lib/**/*.test.ts', 'db/**/*.test.ts', 'tests/unit/**/*.test.ts'],
          environment: 'node',
        },
      },
      {
        resolve: { alias },
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['tests/integration/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['tests/helpers/global-setup.ts'],
          setupFiles: ['tests/helpers/setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // PGlite is single-user and heavy: two workers keep a 2-core machine responsive.
          maxWorkers: 2,
        },
      },
    ],
  },
});
