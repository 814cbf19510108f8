/**
 * Shape algebra. Shapes leave out the batch dimension. A dim is a known size (a
 * number), a symbolic size made from the names bound at an input (`T`, and what layers
 * make of it: `T-2`, `T*8`; see size.ts), or unknown (`null`, written `?`).
 */
import { addSizes, compareSizes, floorDivide, multiplySizes } from './size';

export type Dim = number | string | null;
export type Shape = Dim[];

export function formatDim(d: Dim): string {
  return d === null ? '?' : String(d);
}

export function formatShape(s: Shape): string {
  return `[${s.map(formatDim).join(', ')}]`;
}

export type Agreement = 'equal' | 'differ' | 'unknown';

export function compareDims(a: Dim, b: Dim): Agreement {
  if (a === null || b === null) return 'unknown';
  if (typeof a === 'number' && typeof b === 'number') return a === b ? 'equal' : 'differ';
  const c = compareSizes(a, b).kind;
  return c === 'when' || c === 'maybe' ? 'unknown' : c;
}

/** Shapes differ when their ranks differ or any pair of dims is known to differ. */
export function compareShapes(a: Shape, b: Shape): Agreement {
  if (a.length !== b.length) return 'differ';
  let result: Agreement = 'equal';
  for (let i = 0; i < a.length; i++) {
    const c = compareDims(a[i], b[i]);
    if (c === 'differ') return 'differ';
    if (c === 'unknown') result = 'unknown';
  }
  return result;
}

/**
 * What symbolic sizes must be for two shapes to be equal ("T = 5"), when that is all that
 * keeps them apart; undefined when they are equal, differ outright, or differ only where
 * a size is unknown (`?` promises nothing). A symbolic size is bound by the data, so a
 * model that needs it to be one number works for some data and fails for the rest.
 */
export function equalOnlyIf(a: Shape, b: Shape): string[] | undefined {
  if (compareShapes(a, b) !== 'unknown') return undefined;
  const conditions = new Set<string>();
  for (let i = 0; i < a.length; i++) {
    const [x, y] = [a[i], b[i]];
    if (x === null || y === null || x === y) continue;
    const c = compareSizes(x, y);
    if (c.kind === 'when') {
      conditions.add(`${c.name} = ${c.value}`);
      continue;
    }
    const multiple = roundedDown(x, y) ?? roundedDown(y, x);
    if (multiple) {
      conditions.add(multiple);
      continue;
    }
    // "T = S" once, not again as "S = T"; the symbolic side first.
    const [left, right] = typeof x === 'number' ? [y, x] : [x, y];
    if (!conditions.has(`${right} = ${left}`)) conditions.add(`${left} = ${right}`);
  }
  return conditions.size > 0 ? [...conditions] : undefined;
}

/**
 * "H is even" when `rounded` is `size` rounded down to a multiple of some k (a window that
 * moves 2 steps, then an upsampling by 2: `floor(H/2)*2`), for which the two are equal
 * only when k divides the size.
 */
function roundedDown(size: number | string, rounded: number | string): string | undefined {
  if (typeof size !== 'string' || typeof rounded !== 'string' || !rounded.includes('floor(')) return undefined;
  for (let k = 2; k <= 64; k++) {
    if (mulDims(floorDivide(size, k), k) === rounded) return k === 2 ? `${size} is even` : `${size} is a multiple of ${k}`;
  }
  return undefined;
}

/**
 * What shapes that must be one (and are not known to differ) say together, axis by axis:
 * a known size over a symbolic one over `?` (`[?, 4]` added to `[T, 4]` is `[T, 4]`).
 */
export function mostKnown(shapes: readonly Shape[]): Shape {
  return shapes[0].map((d, i) => {
    let best = d;
    for (const s of shapes) if (typeof s[i] === 'number' || (best === null && s[i] !== null)) best = s[i];
    return best;
  });
}

export const addDims: (a: Dim, b: Dim) => Dim = addSizes;
export const mulDims: (a: Dim, b: Dim) => Dim = multiplySizes;

export function product(s: Shape): Dim {
  return s.reduce<Dim>((acc, d) => mulDims(acc, d), 1);
}

export function known(d: Dim): d is number {
  return typeof d === 'number';
}

export type Padding = 'valid' | 'same';

/**
 * Output length of a convolution or pooling window along one axis, as TensorFlow computes
 * it: `same` gives ceil(n / stride), that is floor((n + stride - 1) / stride), and `valid`
 * floor((n - window) / stride) + 1, that is floor((n - window + stride) / stride). Over a
 * symbolic length a window moving one step keeps it (`T`) or takes from it (`T-2`); one
 * moving further divides it (`floor(T/2)`, see `floorDivide`).
 */
export function convLength(n: Dim, kernel: number, stride: number, padding: Padding, dilation = 1): Dim {
  const effective = (kernel - 1) * dilation + 1;
  return floorDivide(addDims(n, padding === 'same' ? stride - 1 : stride - effective), stride);
}

/** Output length of a transposed convolution along one axis (tfjs deconvLength). */
export function deconvLength(n: Dim, kernel: number, stride: number, padding: Padding): Dim {
  const stretched = mulDims(n, stride);
  return padding === 'same' ? stretched : addDims(stretched, Math.max(kernel - stride, 0));
}

/** Resolves a negative axis against a rank; undefined when out of range. */
/** dlnet counts non-negative axes from the first axis after the batch; TensorFlow.js and PyTorch count the batch axis. */
export const axisWithBatch = (axis: number) => (axis >= 0 ? axis + 1 : axis);

export function normaliseAxis(axis: number, rank: number): number | undefined {
  const a = axis < 0 ? rank + axis : axis;
  return a >= 0 && a < rank ? a : undefined;
}
