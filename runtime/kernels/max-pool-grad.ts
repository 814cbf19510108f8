/**
 * MaxPoolGrad for the wasm backend, computed in place on the wasm heap.
 *
 * tfjs's wasm kernel walks every input pixel and, for each window that covers it,
 * finds that window's maximum again: about 5 ms for a [64, 26, 26, 8] input, the
 * largest kernel of a small CNN's training step. The gradient only needs each window's
 * maximum once: find it (the first largest value in row-major window order, as tfjs's
 * cpu kernel does; a window of NaN or -Infinity only gets none) and add dy there.
 * Reading and writing the heap through typed-array views copies nothing. Where the depth
 * is a multiple of 4 the loop runs as WebAssembly with SIMD, four channels at a time, on
 * tfjs's own memory (./max-pool-grad.wat): the same arithmetic, no branch per value.
 */
import { tf } from '../tf';
import { BINARY } from './max-pool-grad-binary';
import { heapOffset, simdExports, type WasmHeap } from './wasm-simd';

const view = (backend: WasmHeap, t: tf.TensorInfo) => new Float32Array(backend.wasm.HEAPU8.buffer, heapOffset(backend, t), tf.util.sizeFromShape(t.shape));

export function maxPoolGradOnHeap(inputs: Record<string, tf.TensorInfo>, attrs: Record<string, unknown>, backend: unknown): tf.TensorInfo | undefined {
  const { dy, input } = inputs;
  if (input.dtype !== 'float32' || dy.dtype !== 'float32') return undefined;
  const heap = backend as WasmHeap;
  const info = tf.backend_util.computePool2DInfo(
    input.shape as [number, number, number, number], attrs.filterSize as [number, number], attrs.strides as [number, number], 1,
    attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined,
  );
  const { batchSize, inHeight, inWidth, inChannels: depth, outHeight, outWidth, strideHeight, strideWidth } = info;
  const { effectiveFilterHeight: fh, effectiveFilterWidth: fw } = info;
  const dx = heap.makeOutput(input.shape, 'float32');
  if (depth % 4 === 0) {
    simdExports(heap, BINARY).maxPoolGrad(heapOffset(heap, input), heapOffset(heap, dy), heapOffset(heap, dx), batchSize, inHeight, inWidth, depth, outHeight, outWidth, fh, fw, strideHeight, strideWidth, info.padInfo.top, info.padInfo.left);
    return dx;
  }
  // Views are taken after the allocation: a growing heap replaces the buffer.
  const x = view(heap, input);
  const g = view(heap, dy);
  const out = view(heap, dx);
  out.fill(0);
  const rowStride = inWidth * depth;
  for (let b = 0; b < batchSize; b++) {
    for (let yr = 0; yr < outHeight; yr++) {
      const top = yr * strideHeight - info.padInfo.top;
      const r0 = Math.max(0, top);
      const r1 = Math.min(inHeight, top + fh);
      for (let yc = 0; yc < outWidth; yc++) {
        const left = yc * strideWidth - info.padInfo.left;
        const c0 = Math.max(0, left);
        const c1 = Math.min(inWidth, left + fw);
        const corner = ((b * inHeight + r0) * inWidth + c0) * depth;
        const o = ((b * outHeight + yr) * outWidth + yc) * depth;
        for (let d = 0; d < depth; d++) {
          let best = -Infinity;
          let at = -1;
          for (let r = r0, row = corner + d; r < r1; r++, row += rowStride) {
            for (let c = c0, i = row; c < c1; c++, i += depth) {
              const v = x[i];
              if (v > best) {
                best = v;
                at = i;
              }
            }
          }
          if (at >= 0) out[at] += g[o + d];
        }
      }
    }
  }
  return dx;
}
