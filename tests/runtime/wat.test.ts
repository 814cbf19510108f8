/** The WebAssembly kernels' binaries in the repository are what their .wat sources compile to (scripts/wat.mjs). */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script, without typings
import { compileWat, sources } from '../../scripts/wat.mjs';

const root = join(__dirname, '..', '..');

describe('WebAssembly kernels', () => {
  for (const [wat, ts] of Object.entries(sources as Record<string, string>)) {
    it(`${ts} is ${wat} compiled (run \`node scripts/wat.mjs\` after editing a .wat)`, async () => {
      const binary: Buffer = await compileWat(join(root, wat));
      const kept = /BINARY = '([^']*)'/.exec(readFileSync(join(root, ts), 'utf8'))![1];
      expect(Buffer.from(kept, 'base64').equals(binary)).toBe(true);
    });
  }
});
