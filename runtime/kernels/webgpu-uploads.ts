/**
 * Uploads to the GPU through the queue instead of a fresh staging buffer each.
 *
 * tfjs's webgpu backend uploads a tensor made on the CPU (a batch, and every scalar an op
 * turns a number into: a mean's divisor, a loss's epsilon) by creating a mapped staging
 * buffer, copying it over and destroying it after the next submit — a buffer created
 * and destroyed per upload, and a compute pass ended for each. A CPU profile of a CNN's
 * training step on an H200 put an eighth of the step in those createBuffer calls alone
 * (docs/performance.md). Here the destination comes from tfjs's buffer pool and the
 * values go through `queue.writeBuffer`, as tfjs already writes its uniforms: ordered
 * before the commands not yet submitted, so every kernel recorded later reads them.
 */
import { tf } from '../tf';

interface TensorData {
  values: ArrayLike<number> | null;
  dtype: string;
  shape: number[];
  resource: unknown;
}
interface WebgpuBackendInternals {
  tensorMap: { get(dataId: object): TensorData };
  bufferManager: { acquireBuffer(size: number, usage: number): unknown };
  queue: { writeBuffer(buffer: unknown, offset: number, data: ArrayBufferView): void };
  uploadToGPU(dataId: object): void;
  dlnetUploads?: boolean;
}

/** GPUBufferUsage.STORAGE | COPY_SRC | COPY_DST, as tfjs's tensors' buffers have. */
const TENSOR_USAGE = 0x0080 | 0x0004 | 0x0008;

/** The values as the 32-bit words the GPU buffer holds (bool as int32, as tfjs stores it). */
function words(values: ArrayLike<number>, dtype: string): Float32Array | Int32Array {
  if (dtype === 'float32') return values instanceof Float32Array ? values : Float32Array.from(values);
  return values instanceof Int32Array ? values : Int32Array.from(values);
}

/** Makes this webgpu backend upload through the queue (once per backend). */
export function uploadThroughQueue(backend: object): void {
  const b = backend as WebgpuBackendInternals;
  if (b.dlnetUploads) return;
  const original = b.uploadToGPU.bind(b);
  b.uploadToGPU = (dataId: object) => {
    const data = b.tensorMap.get(dataId);
    const size = tf.util.sizeFromShape(data.shape);
    if (data.resource != null || !data.values || size === 0 || !['float32', 'int32', 'bool'].includes(data.dtype)) return original(dataId);
    const buffer = b.bufferManager.acquireBuffer(size * 4, TENSOR_USAGE);
    b.queue.writeBuffer(buffer, 0, words(data.values, data.dtype));
    data.values = null;
    data.resource = buffer;
  };
  b.dlnetUploads = true;
}
