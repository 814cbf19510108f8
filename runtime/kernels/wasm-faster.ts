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
 * - Conv2DBackpropInput at stride 1: a full convolution of dy by the filter turned by
 *   180° with its channel axes swapped, on the fast Conv2D kernel.
 * - MaxPoolGrad: each window's maximum found once, on the heap (./max-pool-grad.ts).
 */
import { tf } from '../tf';
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

function conv2dBackpropInput({ dy, filter }: Inputs, attrs: Record<string, unknown>): tf.Tensor | undefined {
  const [sh, sw] = pair(attrs.strides);
  if (sh !== 1 || sw !== 1 || (attrs.dataFormat ?? 'NHWC') !== 'NHWC') return undefined;
  const w = filter as tf.Tensor4D;
  const [kh, kw] = w.shape;
  const inputShape = attrs.inputShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(inputShape, w.shape, 1, 1, attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined);
  const { top, left, bottom, right } = info.padInfo;
  const padded = tf.pad(dy, [[0, 0], [kh - 1 - top, kh - 1 - bottom], [kw - 1 - left, kw - 1 - right], [0, 0]]) as tf.Tensor4D;
  const turned = tf.transpose(tf.reverse(w, [0, 1]), [0, 1, 3, 2]) as tf.Tensor4D; // [kh, kw, out, in]
  return tf.conv2d(padded, turned, 1, 'valid');
}

const paths: Record<string, Path> = {
  BatchMatMul: matMul,
  Conv2DBackpropInput: conv2dBackpropInput,
  MaxPoolGrad: maxPoolGradOnHeap,
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
