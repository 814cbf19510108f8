// Bundles every entry point with esbuild into dist/. `node scripts/build.mjs --watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { existsSync } from 'node:fs';

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning' };
const entries = [
  { entryPoints: ['runtime/cli/main.ts'], outfile: 'dist/cli.js' },
  { entryPoints: ['server/main.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['client/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['scripts/bench-check.ts'], outfile: 'dist/bench-check.js' },
  { entryPoints: ['scripts/bench-lsp.ts'], outfile: 'dist/bench-lsp.js' },
].filter((e) => existsSync(e.entryPoints[0]));

const watch = process.argv.includes('--watch');
for (const e of entries) {
  const options = { ...node, ...e };
  if (watch) await (await esbuild.context(options)).watch();
  else await esbuild.build(options);
}
