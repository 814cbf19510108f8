/**
 * The filter gradient of the most common convolution — 3 filter columns, valid padding,
 * output channels a multiple of 8 — as ./filter-grad.wat on tfjs's wasm memory: the
 * composite of wasm.ts (a convolution of the input's channels by dy, with two transposes
 * and a crop) took 2.4 and 1.9 ms for the benchmark CNN's two layers. Other convolutions
 * keep the composite.
 */
import { tf } from '../tf';
import { BINARY } from './filter-grad-binary';
import { heapOffset, simdExports, type WasmHeap } from './wasm-simd';

export function filterGradSimd({ x, dy }: Record<string, tf.TensorInfo>, attrs: Record<string, unknown>, backend: unknown): tf.TensorInfo | undefined {
  const filterShape = attrs.filterShape as [number, number, number, number];
  const [kh, kw, ci, co] = filterShape;
  if (kw !== 3 || co % 8 !== 0 || x.dtype !== 'float32' || dy.dtype !== 'float32' || (attrs.dataFormat ?? 'NHWC') !== 'NHWC') return undefined;
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, attrs.strides as [number, number], 1, attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined);
  const { top, bottom, left, right } = info.padInfo;
  if (top || bottom || left || right) return undefined;
  const heap = backend as WasmHeap;
  const out = heap.makeOutput(filterShape, 'float32');
  simdExports(heap, BINARY).filterGrad3(heapOffset(heap, x), heapOffset(heap, dy), heapOffset(heap, out),
    info.batchSize, info.inHeight, info.inWidth, ci, info.outHeight, info.outWidth, co, kh, info.strideHeight, info.strideWidth);
  return out;
}
