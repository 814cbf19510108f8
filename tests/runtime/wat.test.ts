/** The WebAssembly kernels' binaries in the repository are what their .wat sources compile to (scripts/wat.mjs). */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BINARY } from '../../runtime/kernels/max-pool-grad-binary';
// @ts-expect-error: a plain .mjs build script, without typings
import { compileWat } from '../../scripts/wat.mjs';

describe('WebAssembly kernels', () => {
  it('max-pool-grad-binary.ts is max-pool-grad.wat compiled (run `node scripts/wat.mjs` after editing the .wat)', async () => {
    const binary: Buffer = await compileWat(join(__dirname, '..', '..', 'runtime', 'kernels', 'max-pool-grad.wat'));
    expect(Buffer.from(BINARY, 'base64').equals(binary)).toBe(true);
  });
});
