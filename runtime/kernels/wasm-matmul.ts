/**
 * tfjs's wasm BatchMatMul with a transposed operand runs far below its plain speed: a
 * [64, 784]ᵀ·[64, 128] product takes 6.1 ms with `transposeA` and 1.8 ms when the
 * transpose is made first, and a [64, 128]·[784, 128]ᵀ one 4.9 ms against 0.7 ms. Every
 * dense layer's backward pass asks for exactly these two products (the gradient of a
 * matMul is a matMul with one operand transposed). Small products are quicker as they
 * are, so only those of at least MIN_MACS multiply-adds are rewritten.
 */
import { tf } from '../tf';

/** Below this many multiply-adds the extra transpose costs more than it saves (measured: docs/performance.md). */
export const MIN_MACS = 200_000;

type MatMulInputs = { a: tf.Tensor; b: tf.Tensor };
type MatMulAttrs = { transposeA: boolean; transposeB: boolean };

/** The last two axes swapped (the kernel takes rank 2 or more, leading axes batch). */
const swapLastTwo = (t: tf.Tensor) => tf.transpose(t, [...t.shape.keys()].map((i, _, all) => (i < all.length - 2 ? i : all.length * 2 - 3 - i)));
const outer = (shape: number[]) => shape.slice(0, -2).reduce((p, d) => p * d, 1);

/** Replaces the wasm BatchMatMul kernel by one that transposes large operands itself (once per process). */
export function registerWasmMatMul(): void {
  const original = tf.getKernel('BatchMatMul', 'wasm');
  if (!original || (original as { dlnet?: boolean }).dlnet) return;
  tf.unregisterKernel('BatchMatMul', 'wasm');
  const kernelFunc: tf.KernelFunc = (args) => {
    const { a, b } = args.inputs as unknown as MatMulInputs;
    const { transposeA, transposeB } = args.attrs as unknown as MatMulAttrs;
    const [rowsA, colsA] = a.shape.slice(-2);
    const [rowsB, colsB] = b.shape.slice(-2);
    const macs = Math.max(outer(a.shape), outer(b.shape)) * (transposeA ? colsA * rowsA : rowsA * colsA) * (transposeB ? rowsB : colsB);
    if ((!transposeA && !transposeB) || macs < MIN_MACS) return original.kernelFunc(args);
    return tf.tidy(() => original.kernelFunc({
      ...args,
      inputs: { a: transposeA ? swapLastTwo(a) : a, b: transposeB ? swapLastTwo(b) : b },
      attrs: { ...args.attrs, transposeA: false, transposeB: false },
    }) as unknown as tf.Tensor) as unknown as tf.TensorInfo;
  };
  tf.registerKernel({ ...original, kernelFunc, dlnet: true } as tf.KernelConfig);
}
