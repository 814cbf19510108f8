import { defineConfig } from 'vitest/config';

// End-to-end tests in a real VS Code (code-server): one at a time, with long waits for UI conditions.
export default defineConfig({
  test: {
    include: ['tests/e2e/**/*.e2e.ts'],
    testTimeout: 240_000,
    hookTimeout: 300_000,
    fileParallelism: false,
    sequence: { concurrent: false },
  },
});
