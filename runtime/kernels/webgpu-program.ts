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

/** WGSL: this workgroup's index, however tfjs spread the dispatch over x, y and z (beyond 65,535 workgroups). */
export const linearWorkgroup = 'i32(workgroupId.z * numWorkgroups.x * numWorkgroups.y + workgroupId.y * numWorkgroups.x + workgroupId.x)';
