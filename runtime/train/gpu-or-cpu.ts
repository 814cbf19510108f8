/**
 * When `auto` got a GPU but the model trains faster on the CPU: a GPU step costs CPU time
 * for every kernel it dispatches, and some models are all dispatches.
 */
import type { ModelGraph } from '../../dsl';
import type { BackendChoice, BackendName } from '../backend';

/** Layers that tfjs's webgpu backend runs as a few dozen kernels per time step. */
const RECURRENT = new Set(['simpleRnn', 'lstm', 'gru', 'bidirectional']);

/**
 * Why a run that asked for `auto` should leave the GPU it got for the CPU, if it should:
 * - a recurrent layer on webgpu: on an H200, LSTM(32) over 20 steps trained at 274
 *   samples/s there (about 2,000 kernels a step), where wasm on one core of this 2-core
 *   machine trains it at ~5,000 (the fused LSTM of runtime/layers/fused-lstm.ts);
 * - a small dense stack that dlnet's loops train (dense-stack.ts): issue 5 measured
 *   tfjs's webgpu on an H200 at 2,947 samples/s on a 784-128-10 MLP, the loops' slowest
 *   eligible stack runs at about 12,000 here.
 * A GAN trains through tfjs on whatever it got. `--backend webgpu` keeps the GPU.
 */
export function cpuOverGpu(requested: BackendName, chosen: BackendChoice, gan: boolean, g: ModelGraph, inLoops: () => boolean): string | undefined {
  if (requested !== 'auto' || !chosen.gpu || gan) return undefined;
  const anyway = `(--backend ${chosen.name} uses the GPU anyway)`;
  const recurrent = chosen.name === 'webgpu' && g.layers.find((l) => RECURRENT.has(l.kind));
  if (recurrent) return `a recurrent layer (${recurrent.kind}) trains faster on the CPU than as the webgpu backend's dozens of kernels per time step ${anyway}`;
  if (inLoops()) return `a small dense stack trains faster in loops on the CPU than dispatched to the GPU ${anyway}`;
  return undefined;
}
