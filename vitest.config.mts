import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Python sources are imported as text, as esbuild's text loader does in the build.
  plugins: [{ name: 'python-as-text', transform: (code: string, id: string) => (id.endsWith('.py') ? `export default ${JSON.stringify(code)};` : undefined) }],
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 30_000,
  },
});
