/**
 * Adam's step on webgpu, in place: one dispatch per variable writes the new value and both
 * moments into the buffers they already have, and one more advances β₁ᵗ and β₂ᵗ.
 *
 * tfjs gives a program one output, so a step that returns three tensors is three programs,
 * and `assign` then swaps each variable onto new buffers — at every step. In place, a step
 * is a third of the dispatches, allocates nothing, and leaves every variable on the same
 * buffers, which is what lets a recorded training step be replayed (webgpu-replay.ts).
 * These are dlnet's own pipeline and bind groups, encoded into tfjs's compute pass so that
 * they run in order with its kernels. The arithmetic is tfjs's Adam's, in its order, in
 * float32.
 */
import { tf } from '../tf';
import { bufferOf, dispatchInPlace, inPlacePipeline, Usage, type GpuBuffer, type GpuDevice, type TfjsWebgpu } from './webgpu-internals';

const WORKGROUP = 64;
const MAX_GROUPS = 65535;

const STEP = `
struct Params { beta1 : f32, beta2 : f32, rest1 : f32, rest2 : f32, rate : f32, epsilon : f32, size : u32, shrink : f32 }
@group(0) @binding(0) var<storage, read_write> w : array<f32>;
@group(0) @binding(1) var<storage, read_write> m : array<f32>;
@group(0) @binding(2) var<storage, read_write> v : array<f32>;
@group(0) @binding(3) var<storage, read> g : array<f32>;
@group(0) @binding(4) var<storage, read> accBeta1 : array<f32>;
@group(0) @binding(5) var<storage, read> accBeta2 : array<f32>;
@group(0) @binding(6) var<uniform> p : Params;
@compute @workgroup_size(${WORKGROUP})
fn main(@builtin(global_invocation_id) id : vec3<u32>, @builtin(num_workgroups) groups : vec3<u32>) {
  let i = id.x + id.y * groups.x * ${WORKGROUP}u;
  if (i >= p.size) { return; }
  let gi = g[i];
  let mi = m[i] * p.beta1 + gi * p.rest1;
  let vi = v[i] * p.beta2 + (gi * gi) * p.rest2;
  m[i] = mi;
  v[i] = vi;
  w[i] = ((mi / (1.0 - accBeta1[0])) / (sqrt(vi / (1.0 - accBeta2[0])) + p.epsilon)) * p.rate + w[i] * p.shrink;
}`;

const POWERS = `
struct Params { beta1 : f32, beta2 : f32, rest1 : f32, rest2 : f32, rate : f32, epsilon : f32, size : u32, shrink : f32 }
@group(0) @binding(0) var<storage, read_write> accBeta1 : array<f32>;
@group(0) @binding(1) var<storage, read_write> accBeta2 : array<f32>;
@group(0) @binding(2) var<uniform> p : Params;
@compute @workgroup_size(1)
fn main() {
  accBeta1[0] = accBeta1[0] * p.beta1;
  accBeta2[0] = accBeta2[0] * p.beta2;
}`;

export interface AdamParams {
  beta1: number;
  beta2: number;
  learningRate: number;
  epsilon: number;
  /** What each weight is multiplied by before its step: AdamW's 1 - learningRate·weightDecay; 1 for Adam. */
  shrink: number;
}

/** A variable's step: its value, gradient and moments. */
export interface AdamVariable {
  value: tf.TensorInfo;
  gradient: tf.TensorInfo;
  m: tf.TensorInfo;
  v: tf.TensorInfo;
}

/** Per device, a uniform buffer per variable size and constants (the rate changes with a schedule). */
const paramsBuffers = new WeakMap<GpuDevice, Map<string, GpuBuffer>>();

function paramsBuffer(backend: TfjsWebgpu, k: AdamParams, size: number): GpuBuffer {
  let buffers = paramsBuffers.get(backend.device);
  if (!buffers) paramsBuffers.set(backend.device, (buffers = new Map()));
  const key = `${k.beta1},${k.beta2},${k.learningRate},${k.epsilon},${k.shrink},${size}`;
  let buffer = buffers.get(key);
  if (!buffer) {
    if (buffers.size > 1024) buffers.clear(); // a schedule changes the rate every epoch: keep the recent ones
    const words = new ArrayBuffer(32);
    new Float32Array(words, 0, 6).set([k.beta1, k.beta2, 1 - k.beta1, 1 - k.beta2, -k.learningRate, k.epsilon]);
    new Uint32Array(words, 24, 1).set([size]);
    new Float32Array(words, 28, 1).set([k.shrink]);
    buffer = backend.device.createBuffer({ size: 32, usage: Usage.UNIFORM | Usage.COPY_DST });
    backend.queue.writeBuffer(buffer, 0, words);
    buffers.set(key, buffer);
  }
  return buffer;
}

/** Whether a step can write into these tensors' buffers: none shares its values with another tensor. */
export function canStepInPlace(backend: object, tensors: tf.TensorInfo[]): boolean {
  const b = backend as TfjsWebgpu;
  return tensors.every((t) => t.dtype === 'float32' && b.tensorMap.has(t.dataId) && b.tensorMap.get(t.dataId).refCount === 1);
}

/** One Adam step of every variable in place, then β₁ᵗ ← β₁ᵗ·β₁ and β₂ᵗ ← β₂ᵗ·β₂ (both read by the steps before). */
export function adamInPlaceOnDevice(backend: object, variables: AdamVariable[], accBeta1: tf.TensorInfo, accBeta2: tf.TensorInfo, k: AdamParams): void {
  const b = backend as TfjsWebgpu;
  const step = inPlacePipeline(b.device, STEP, 3); // w, m, v
  const [acc1, acc2] = [bufferOf(b, accBeta1.dataId), bufferOf(b, accBeta2.dataId)];
  for (const { value, gradient, m, v } of variables) {
    const size = tf.util.sizeFromShape(value.shape);
    if (size === 0) continue;
    const buffers = [value, m, v, gradient].map((t) => bufferOf(b, t.dataId));
    const groups = Math.ceil(size / WORKGROUP);
    const x = Math.min(groups, MAX_GROUPS);
    dispatchInPlace(b, step, [...buffers, acc1, acc2, paramsBuffer(b, k, size)], [x, Math.ceil(groups / x)], [value, m, v].map((t) => t.dataId), [gradient.dataId]);
  }
  // β₁ᵗ, β₂ᵗ
  dispatchInPlace(b, inPlacePipeline(b.device, POWERS, 2), [acc1, acc2, paramsBuffer(b, k, 1)], [1, 1], [accBeta1.dataId, accBeta2.dataId]);
}
