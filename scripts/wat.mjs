// Compiles runtime/kernels/*.wat into a TypeScript module holding the binary (base64), so
// that neither the build nor the runtime needs a WebAssembly toolchain: `node scripts/wat.mjs`
// after editing a .wat (tests/runtime/wat.test.ts checks that the two agree).
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import wabtInit from 'wabt';

export async function compileWat(path) {
  const wabt = await wabtInit();
  const module = wabt.parseWat(path, readFileSync(path, 'utf8'), { simd: true, bulk_memory: true });
  module.validate();
  return Buffer.from(module.toBinary({}).buffer);
}

export const sources = {
  'runtime/kernels/max-pool-grad.wat': 'runtime/kernels/max-pool-grad-binary.ts',
  'runtime/kernels/channels.wat': 'runtime/kernels/channels-binary.ts',
  'runtime/kernels/filter-grad.wat': 'runtime/kernels/filter-grad-binary.ts',
};

// Run as a script (not imported by the test): write the binaries.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  for (const [wat, ts] of Object.entries(sources)) {
    const binary = await compileWat(wat);
    writeFileSync(ts, `// Generated from ${wat.split('/').pop()} by scripts/wat.mjs: do not edit.\nexport const BINARY = '${binary.toString('base64')}';\n`);
    console.log(`${ts}: ${binary.length} bytes`);
  }
}
