/**
 * Dropout's mask drawn on the GPU.
 *
 * tfjs draws a dropout mask on the CPU (`randomUniform`) and uploads it at every step: a
 * step that uploads new random numbers cannot be replayed (webgpu-replay.ts), and the
 * upload is CPU time on a device where CPU time is the cost. Here a program hashes
 * (layer seed, call count, index) into a uniform number per value and turns it into tfjs's
 * multiplier, ⌊keep + u⌋ / keep; the call count lives on the device and one more dispatch
 * advances it in place, so the next call draws a new mask and a replayed step does too.
 * The same seed gives the same masks run after run (they are not the CPU's masks).
 */
import { tf } from '../tf';
import { bufferOf, dispatchInPlace, inPlacePipeline, type TfjsWebgpu } from './webgpu-internals';
import { perValue, type KernelArgs, type Program, type WebgpuBackend } from './webgpu-program';

/** The name of dlnet's dropout mask kernel (input: calls, an int32 [1] on the device; attrs: rate, seed, shape; output: the multiplier of that shape). */
export const DROPOUT_MASK = 'DlnetDropoutMask';

/** PCG's output hash (O'Neill), one 32-bit value to another, well mixed. */
const HASH = `
  fn pcg(v : u32) -> u32 {
    let state = v * 747796405u + 2891336453u;
    let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
    return (word >> 22u) ^ word;
  }`;

function maskProgram(shape: number[]): Program {
  return {
    ...perValue(shape),
    variableNames: ['calls'],
    shaderKey: 'dlnetDropoutMask',
    uniforms: 'rate : f32, seed : i32,',
    getUserCode: () => `${HASH}
  fn main(index : i32) {
    if (index < uniforms.size) {
      let h = pcg(pcg(pcg(u32(index)) ^ bitcast<u32>(uniforms.seed)) ^ bitcast<u32>(calls[0]));
      let u = f32(h >> 8u) / 16777216.0;
      let keep = 1.0 - uniforms.rate;
      setOutputAtIndex(index, floor(keep + u) / keep);
    }
  }`,
  };
}

const ADVANCE = `
@group(0) @binding(0) var<storage, read_write> calls : array<i32>;
@compute @workgroup_size(1)
fn main() { calls[0] = calls[0] + 1; }`;

export function dropoutMask(args: KernelArgs): tf.TensorInfo {
  const { calls } = args.inputs;
  const { rate, seed, shape } = args.attrs as { rate: number; seed: number; shape: number[] };
  const mask = (args.backend as WebgpuBackend).runWebGPUProgram(maskProgram(shape), [calls], 'float32', [{ type: 'float32', data: [rate] }, { type: 'int32', data: [seed | 0] }]);
  const b = args.backend as TfjsWebgpu;
  dispatchInPlace(b, inPlacePipeline(b.device, ADVANCE, 1), [bufferOf(b, calls.dataId)], [1, 1], [calls.dataId]);
  return mask;
}
