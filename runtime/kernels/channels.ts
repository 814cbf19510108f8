/**
 * A per-channel bias added to an NHWC (or any [..., C]) tensor, and that bias's gradient
 * (the sum over every axis but the last), for the wasm backend: tfjs's wasm kernels run
 * both as general broadcasts, 0.53–0.60 ms on a [64, 26, 26, 8] tensor where its ReLU
 * takes 0.045. With C a multiple of 4 they run as ./channels.wat, SIMD on tfjs's memory;
 * the sum is accumulated in doubles, so it is the exact sum rounded to float.
 */
import { tf } from '../tf';
import { BINARY } from './channels-binary';
import { heapOffset, simdExports, type WasmHeap } from './wasm-simd';

/** Below this many values tfjs's kernels are as quick. */
const MIN_VALUES = 4096;

const count = tf.util.sizeFromShape;
const last = (shape: number[]) => shape[shape.length - 1];
const fits = (t: tf.TensorInfo) => t.dtype === 'float32' && t.shape.length > 0 && last(t.shape) % 4 === 0 && count(t.shape) >= MIN_VALUES;

/** a + b where one is [..., C] and the other holds just C values along its last axis (a bias). */
export function addChannelBias(inputs: Record<string, tf.TensorInfo>, _attrs: Record<string, unknown>, backend: unknown): tf.TensorInfo | undefined {
  const { a, b } = inputs;
  for (const [x, bias] of [[a, b], [b, a]]) {
    const channels = last(x.shape);
    if (!fits(x) || bias.dtype !== 'float32' || bias.shape.length > x.shape.length || count(bias.shape) !== channels || last(bias.shape) !== channels) continue;
    const heap = backend as WasmHeap;
    const out = heap.makeOutput(x.shape, 'float32');
    simdExports(heap, BINARY).addBias(heapOffset(heap, x), heapOffset(heap, bias), heapOffset(heap, out), count(x.shape) / channels, channels);
    return out;
  }
  return undefined;
}

/** Sum over every axis but the last: [..., C] → [C] (or [1, ..., 1, C] with keepDims). */
export function sumOverChannels(inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown>, backend: unknown): tf.TensorInfo | undefined {
  const { x } = inputs;
  const rank = x.shape.length;
  if (rank < 2 || !fits(x)) return undefined;
  const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
  if (axes.length !== rank - 1 || axes.some((axis, i) => axis !== i)) return undefined;
  const channels = last(x.shape);
  const heap = backend as WasmHeap;
  const out = heap.makeOutput(attrs.keepDims ? [...new Array(rank - 1).fill(1), channels] : [channels], 'float32');
  simdExports(heap, BINARY).sumRows(heapOffset(heap, x), heapOffset(heap, out), count(x.shape) / channels, channels);
  return out;
}
