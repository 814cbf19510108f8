/** What dlnet's own WGSL programs give tfjs's webgpu backend to run (its `WebGPUProgram`, not exported). */
import type { tf } from '../tf';

export interface Program {
  variableNames: string[];
  outputShape: number[];
  shaderKey: string;
  dispatchLayout: { x: number[] };
  dispatch: [number, number, number];
  workgroupSize: [number, number, number];
  size: boolean;
  uniforms: string;
  getUserCode(): string;
}

export type Uniform = { type: 'int32' | 'float32'; data: number[] };

export interface WebgpuBackend {
  runWebGPUProgram(program: Program, inputs: tf.TensorInfo[], dtype: tf.DataType, uniforms?: Uniform[]): tf.TensorInfo;
  disposeData(id: object): void;
}

/** What a kernel of dlnet's gets from tfjs's engine on webgpu. */
export interface KernelArgs {
  inputs: Record<string, tf.TensorInfo>;
  attrs: Record<string, unknown>;
  backend: unknown;
}

/** Threads in each workgroup of dlnet's programs. */
export const WORKGROUP = 64;

/** A program's layout over its output: flat, `workgroups` workgroups of WORKGROUP threads (tfjs spreads more than 65,535 over y and z). */
export function flatLayout(outputShape: number[], workgroups: number): Pick<Program, 'outputShape' | 'dispatchLayout' | 'dispatch' | 'workgroupSize' | 'size'> {
  return { outputShape, dispatchLayout: { x: outputShape.map((_, i) => i) }, dispatch: [workgroups, 1, 1], workgroupSize: [WORKGROUP, 1, 1], size: true };
}

/** One thread per output value. */
export const perValue = (outputShape: number[]) => flatLayout(outputShape, Math.ceil(outputShape.reduce((a, b) => a * b, 1) / WORKGROUP));

/** WGSL: this workgroup's index, however tfjs spread the dispatch over x, y and z (beyond 65,535 workgroups). */
export const linearWorkgroup = 'i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x)';

/**
 * What of dlnet's webgpu work is on: all of it, unless DLNET_WEBGPU_KERNELS says `tfjs`
 * (tfjs's backend as it comes), `no-cache` (all but the bind-group cache and the replay of
 * recorded steps, which needs it) or `no-replay` (all but that replay) — for measuring.
 */
export function webgpuExtras(env: NodeJS.ProcessEnv = process.env): { on: boolean; cache: boolean; replay: boolean } {
  const mode = env.DLNET_WEBGPU_KERNELS;
  const cache = mode !== 'tfjs' && mode !== 'no-cache';
  return { on: mode !== 'tfjs', cache, replay: cache && mode !== 'no-replay' };
}
