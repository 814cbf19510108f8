/**
 * The parts of tfjs's webgpu backend and of WebGPU that dlnet's own dispatches use
 * (webgpu-adam.ts, webgpu-dropout.ts, webgpu-replay.ts): tfjs exports neither its backend's internals nor
 * WebGPU's types, and Node has no DOM typings.
 */
import { tf } from '../tf';

export interface GpuBuffer {
  readonly size: number;
  readonly usage: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export interface GpuPass {
  setPipeline(pipeline: object): void;
  setBindGroup(index: number, group: object): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export interface GpuEncoder {
  beginComputePass(descriptor?: object): GpuPass;
  copyBufferToBuffer(from: GpuBuffer, fromOffset: number, to: GpuBuffer, toOffset: number, size: number): void;
  resolveQuerySet(querySet: object, first: number, count: number, to: GpuBuffer, offset: number): void;
  finish(): object;
}

export interface GpuQueue {
  writeBuffer(buffer: GpuBuffer, offset: number, data: ArrayBufferView | ArrayBuffer, dataOffset?: number, size?: number): void;
  submit(buffers: object[]): void;
}

export interface GpuDevice {
  createBuffer(descriptor: { size: number; usage: number }): GpuBuffer;
  createShaderModule(descriptor: { code: string }): object;
  createComputePipeline(descriptor: object): { getBindGroupLayout(index: number): object };
  createBindGroup(descriptor: { layout: object; entries: { binding: number; resource: { buffer: GpuBuffer; offset?: number; size?: number } }[] }): object;
  createCommandEncoder(): GpuEncoder;
  createQuerySet(descriptor: { type: 'timestamp'; count: number }): object & { destroy(): void };
  readonly features: { has(name: string): boolean };
  readonly limits: Record<string, number>;
}

/** WebGPU's GPUBufferUsage flags, and GPUMapMode's READ. */
export const Usage = { MAP_READ: 0x0001, MAP_WRITE: 0x0002, COPY_SRC: 0x0004, COPY_DST: 0x0008, UNIFORM: 0x0040, STORAGE: 0x0080, QUERY_RESOLVE: 0x0200 } as const;
export const MAP_MODE_READ = 0x0001;

export interface TensorData {
  values: ArrayLike<number> | null;
  dtype: string;
  shape: number[];
  resource: unknown;
  refCount: number;
}

export interface BufferManager {
  acquireBuffer(size: number, usage: number): GpuBuffer;
  releaseBuffer(buffer: GpuBuffer, reuse?: boolean): void;
  freeBuffers: Map<string, GpuBuffer[]>;
  usedBuffers: Map<string, GpuBuffer[]>;
  numFreeBuffers: number;
  numUsedBuffers: number;
  numBytesUsed: number;
}

/** tfjs's WebGPUBackend, as far as dlnet reaches into it. */
export interface TfjsWebgpu {
  device: GpuDevice;
  queue: GpuQueue;
  tensorMap: { get(dataId: object): TensorData; has(dataId: object): boolean };
  bufferManager: BufferManager;
  commandEncoder: GpuEncoder | null;
  computePassEncoder: GpuPass | null;
  dispatchCountInPass: number;
  commandQueueOwnedIds: WeakSet<object>;
  ensureCommandEncoderReady(): void;
  endComputePassEncoder(): void;
  submitQueue(): void;
  uploadToGPU(dataId: object): void;
  getBufferData(buffer: GpuBuffer): Promise<ArrayBuffer>;
}

type Pipeline = { getBindGroupLayout(index: number): object };

/**
 * Pipelines of dlnet's own that update buffers in place: how many leading bindings of
 * group 0 each reads and writes (a recorded step needs to know: webgpu-replay.ts). Any
 * other pipeline (tfjs's programs) writes binding 0, its output, and reads the rest.
 */
export const inPlaceBindings = new WeakMap<object, number>();

const pipelines = new WeakMap<GpuDevice, Map<string, Pipeline>>();

/** The compute pipeline of WGSL `code` (entry point `main`) that reads and writes its first `inPlace` bindings, made once per device. */
export function inPlacePipeline(device: GpuDevice, code: string, inPlace: number): Pipeline {
  let made = pipelines.get(device);
  if (!made) pipelines.set(device, (made = new Map()));
  let pipeline = made.get(code);
  if (!pipeline) {
    pipeline = device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code }), entryPoint: 'main' } });
    inPlaceBindings.set(pipeline, inPlace);
    made.set(code, pipeline);
  }
  return pipeline;
}

/** The GPU buffer holding a tensor's values, uploaded first if they are still on the CPU. */
export function bufferOf(backend: TfjsWebgpu, dataId: object): GpuBuffer {
  backend.uploadToGPU(dataId);
  return backend.tensorMap.get(dataId).resource as GpuBuffer;
}

/**
 * Drops the copy of a tensor's values that tfjs keeps on the CPU once they were read
 * (it answers later reads from it): a program that changes the values in place makes
 * that copy stale. The GPU buffer stays the tensor's values.
 */
export function forgetCpuCopy(backend: object, dataId: object): void {
  const map = (backend as TfjsWebgpu).tensorMap;
  const data = map.has(dataId) ? map.get(dataId) : undefined;
  if (data && data.resource != null) data.values = null;
}

/**
 * Runs a pipeline of dlnet's own on these buffers (binding i: buffers[i]) in tfjs's current
 * compute pass, so that it runs in order with tfjs's kernels. `changed` are the tensors it
 * changes in place (tfjs's CPU copy of their values goes stale), `read` the tensors tfjs
 * must not give back to its pool before the work is submitted.
 */
export function dispatchInPlace(backend: TfjsWebgpu, pipeline: Pipeline, buffers: GpuBuffer[], workgroups: [number, number], changed: object[], read: object[] = []): void {
  const group = backend.device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });
  backend.ensureCommandEncoderReady();
  backend.computePassEncoder ??= backend.commandEncoder!.beginComputePass({});
  backend.computePassEncoder.setPipeline(pipeline);
  backend.computePassEncoder.setBindGroup(0, group);
  backend.computePassEncoder.dispatchWorkgroups(workgroups[0], workgroups[1], 1);
  for (const id of read) backend.commandQueueOwnedIds.add(id);
  for (const id of changed) forgetCpuCopy(backend, id);
  if (++backend.dispatchCountInPass >= (tf.env().get('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE') as number)) {
    backend.endComputePassEncoder();
    backend.submitQueue();
  }
}
