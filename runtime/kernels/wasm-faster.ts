/**
 * Faster paths for wasm kernels that exist but run far below what the backend's other
 * kernels reach on the same work. Each replaces the kernel by one that takes its path
 * where it computes exactly the same thing, and calls tfjs's kernel otherwise. Figures:
 * docs/performance.md; each is property-tested against the cpu kernel.
 *
 * - BatchMatMul with a transposed operand (every dense layer's backward pass): a
 *   [64, 784]ᵀ·[64, 128] product takes 6.1 ms as asked and 1.8 ms with the transpose
 *   made first. Small products are quicker as they are: only those of at least MIN_MACS
 *   multiply-adds are rewritten.
 * - Conv2DBackpropInput: full convolutions of dy by the filter turned by 180° with its
 *   channel axes swapped, on the fast Conv2D kernel (one per phase of the stride).
 * - MaxPoolGrad: each window's maximum found once, on the heap (./max-pool-grad.ts).
 * - Add of a per-channel bias and Sum over all axes but the channels' (its gradient):
 *   SIMD on the heap (./channels.ts).
 * - Identity: shares the data instead of copying it.
 * - Conv2DBackpropFilter (wasm.ts's composite) for 3 filter columns, valid padding and
 *   output channels in eights: SIMD on the heap (./filter-grad.ts).
 */
import { tf } from '../tf';
import { addChannelBias, sumOverChannels } from './channels';
import { filterGradSimd } from './filter-grad';
import { maxPoolGradOnHeap } from './max-pool-grad';

/** Below this many multiply-adds the extra transpose costs more than it saves. */
export const MIN_MACS = 200_000;

type Args = Parameters<tf.KernelFunc>[0];
type Inputs = Record<string, tf.Tensor>;
/** A faster path: its result, or undefined where it does not apply (tfjs's kernel runs). */
type Path = (inputs: Inputs, attrs: Record<string, unknown>, backend: unknown) => tf.Tensor | tf.TensorInfo | undefined;

/** The last two axes swapped (matMul takes rank 2 or more, leading axes batch). */
const swapLastTwo = (t: tf.Tensor) => tf.transpose(t, [...t.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : all.length * 2 - 3 - i)));
const outer = (shape: number[]) => shape.slice(0, -2).reduce((p, d) => p * d, 1);
const pair = (v: unknown): [number, number] => (Array.isArray(v) ? [v[0], v[1]] : [v as number, v as number]);

function matMul({ a, b }: Inputs, attrs: Record<string, unknown>): tf.Tensor | undefined {
  const transposeA = attrs.transposeA as boolean;
  const transposeB = attrs.transposeB as boolean;
  if (!transposeA && !transposeB) return undefined;
  const [rowsA, colsA] = a.shape.slice(-2);
  const [rowsB, colsB] = b.shape.slice(-2);
  const macs = Math.max(outer(a.shape), outer(b.shape)) * rowsA * colsA * (transposeB ? rowsB : colsB);
  if (macs < MIN_MACS) return undefined;
  return tf.matMul(transposeA ? swapLastTwo(a) : a, transposeB ? swapLastTwo(b) : b);
}

/**
 * One axis of a strided convolution's input gradient, split by output position modulo the
 * stride: positions first + stride·k (k < count) are reached only by the filter taps
 * tap + stride·t (t < taps), from dy shifted so that `before` zeros lead and `after` trail.
 */
interface Phase {
  count: number;
  tap: number;
  taps: number;
  before: number;
  after: number;
}

/** The phases of one axis; undefined where dy would have to be cut instead (padding wider than the filter). */
function phases(size: number, kernel: number, stride: number, pad: number, outSize: number): Phase[] | undefined {
  const out: Phase[] = [];
  for (let first = 0; first < Math.min(stride, size); first++) {
    const count = Math.ceil((size - first) / stride);
    const tap = (first + pad) % stride;
    const shift = Math.floor((first + pad) / stride);
    const taps = tap < kernel ? Math.ceil((kernel - tap) / stride) : 0;
    const phase = { count, tap, taps, before: taps - 1 - shift, after: count + shift - outSize };
    if (taps > 0 && (phase.before < 0 || phase.after < 0)) return undefined;
    out.push(phase);
  }
  return out;
}

/** Parts of one axis, the i-th holding positions i + parts·k, woven into that axis of `size`. */
function interleave(parts: tf.Tensor[], axis: number, size: number): tf.Tensor {
  if (parts.length === 1) return parts[0];
  const longest = parts[0].shape[axis];
  const even = parts.map((p) => (p.shape[axis] === longest ? p : tf.pad(p, p.shape.map((_, i) => [0, i === axis ? longest - p.shape[axis] : 0] as [number, number]))));
  const shape = [...even[0].shape];
  shape[axis] = longest * parts.length;
  const woven = tf.reshape(tf.stack(even, axis + 1), shape);
  return shape[axis] === size ? woven : tf.slice(woven, shape.map(() => 0), shape.map((d, i) => (i === axis ? size : d)));
}

/**
 * The input gradient as full convolutions of dy by the filter turned by 180° with its
 * channel axes swapped, on the fast Conv2D kernel: at stride 1 one convolution; at stride
 * s one per phase (output rows and columns modulo s, each reached by every s-th filter
 * tap), woven together — the multiply-adds of the gradient itself, none on zeros.
 */
function conv2dBackpropInput({ dy, filter }: Inputs, attrs: Record<string, unknown>): tf.Tensor | undefined {
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC') return undefined;
  const [sh, sw] = pair(attrs.strides);
  const w = filter as tf.Tensor4D;
  const [kh, kw, ci, co] = w.shape;
  const inputShape = attrs.inputShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, w.shape, [sh, sw], 1, attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined);
  const rows = phases(inputShape[1], kh, sh, info.padInfo.top, info.outHeight);
  const cols = phases(inputShape[2], kw, sw, info.padInfo.left, info.outWidth);
  // A filter narrower than its stride leaves input pixels without gradient: tfjs's kernel is as fast there.
  if (!rows || !cols || [...rows, ...cols].some((p) => p.taps === 0)) return undefined;
  const turned = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [kh, kw, out, in]
  const woven = rows.map((r) => interleave(cols.map((c) => {
    // Taps tap + s·t of the filter are, turned, every s-th from kernel - 1 - tap - s·(taps - 1).
    const [fromH, fromW] = [kh - 1 - r.tap - sh * (r.taps - 1), kw - 1 - c.tap - sw * (c.taps - 1)];
    const taps = sh === 1 && sw === 1 ? turned : tf.stridedSlice(turned, [fromH, fromW, 0, 0], [fromH + sh * (r.taps - 1) + 1, fromW + sw * (c.taps - 1) + 1, co, ci], [sh, sw, 1, 1]) as tf.Tensor4D;
    const padded = tf.pad(dy, [[0, 0], [r.before, r.after], [c.before, c.after], [0, 0]]) as tf.Tensor4D;
    return tf.conv2d(padded, taps, 1, 'valid');
  }), 2, inputShape[2]));
  return interleave(woven, 1, inputShape[1]);
}

/** The same data under another tensor, counted once more (as tfjs's cpu backend does; its wasm Identity copies: 28 copies a CNN step). */
function identity({ x }: Inputs, _attrs: Record<string, unknown>, backend: unknown): tf.TensorInfo | undefined {
  if (x.dtype === 'string') return undefined;
  (backend as { incRef(dataId: object): void }).incRef(x.dataId);
  return { dataId: x.dataId, shape: x.shape, dtype: x.dtype };
}

const paths: Record<string, Path> = {
  Add: addChannelBias,
  Identity: identity,
  BatchMatMul: matMul,
  Conv2DBackpropFilter: filterGradSimd,
  Conv2DBackpropInput: conv2dBackpropInput,
  MaxPoolGrad: maxPoolGradOnHeap,
  Sum: sumOverChannels,
};

/** Replaces each of these wasm kernels by its faster path around tfjs's (once per process). */
export function registerFasterWasmKernels(): void {
  for (const [kernelName, path] of Object.entries(paths)) {
    const original = tf.getKernel(kernelName, 'wasm');
    if (!original || (original as { dlnet?: boolean }).dlnet) continue;
    tf.unregisterKernel(kernelName, 'wasm');
    const kernelFunc = (args: Args) => {
      // Ops inside a kernel run on this backend and are not recorded for gradients; tidy frees the intermediates.
      const faster = tf.tidy(() => path(args.inputs as unknown as Inputs, args.attrs as Record<string, unknown>, args.backend) as tf.Tensor | undefined);
      return faster ? (faster as unknown as tf.TensorInfo) : original.kernelFunc(args);
    };
    tf.registerKernel({ ...original, kernelFunc, dlnet: true } as tf.KernelConfig);
  }
}
