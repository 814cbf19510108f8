/**
 * dlnet's hand-written WebAssembly kernels (*.wat beside this file, kept compiled as
 * base64 by scripts/wat.mjs), instantiated on tfjs's wasm backend's own memory so that
 * they read and write its tensors where they are: nothing is copied.
 */
import type { tf } from '../tf';

/** The parts of tfjs's wasm backend these kernels use (not in its public types). */
export interface WasmHeap {
  wasm: { HEAPU8: Uint8Array; asm: { memory: WebAssembly.Memory } };
  dataIdMap: { get(dataId: unknown): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
}

type Exports = Record<string, (...args: number[]) => void>;
const instances = new WeakMap<WebAssembly.Memory, Map<string, Exports>>();

/** The module's exports, instantiated once per backend memory. */
export function simdExports(heap: WasmHeap, binary: string): Exports {
  const memory = heap.wasm.asm.memory;
  let byBinary = instances.get(memory);
  if (!byBinary) instances.set(memory, (byBinary = new Map()));
  let exports = byBinary.get(binary);
  if (!exports) {
    const module = new WebAssembly.Module(Buffer.from(binary, 'base64'));
    exports = new WebAssembly.Instance(module, { env: { memory } }).exports as unknown as Exports;
    byBinary.set(binary, exports);
  }
  return exports;
}

/** A tensor's byte offset in the memory. */
export const heapOffset = (heap: WasmHeap, t: tf.TensorInfo) => heap.dataIdMap.get(t.dataId).memoryOffset;
