/**
 * When `auto` got a GPU but the model trains faster on the CPU: a GPU step costs CPU time
 * for every kernel it dispatches, and some models are all dispatches.
 */
import { choiceName, type LayerNode, type ModelGraph } from '../../dsl';
import type { BackendChoice, BackendName } from '../backend';
import { lstmOnWebgpuAvailable } from '../layers/lstm-on-webgpu';

/** Layers that tfjs's webgpu backend runs as a few dozen kernels per time step. */
const RECURRENT = new Set(['simpleRnn', 'lstm', 'gru', 'bidirectional']);

/** An lstm that runs as dlnet's two WGSL programs instead (layers/fused-lstm.ts decides the same at run time). */
const fusedOnWebgpu = (l: LayerNode) => l.kind === 'lstm' && lstmOnWebgpuAvailable(l.args.units as number) && choiceName(l.args, 'activation') === 'tanh'
  && choiceName(l.args, 'recurrentActivation') === 'sigmoid' && !l.args.dropout && !l.args.recurrentDropout;

/**
 * Why a run that asked for `auto` should leave the GPU it got for the CPU, if it should:
 * - a recurrent layer on webgpu, other than an lstm that dlnet runs as its own programs:
 *   on an H200, tfjs's LSTM(32) over 20 steps trained at 274 samples/s (about 2,000
 *   kernels a step), where wasm on one core of this 2-core machine trains it at ~5,000;
 * - a small dense stack that dlnet's loops train (dense-stack.ts): issue 5 measured
 *   tfjs's webgpu on an H200 at 2,947 samples/s on a 784-128-10 MLP, the loops' slowest
 *   eligible stack runs at about 12,000 here.
 * A GAN trains through tfjs on whatever it got. `--backend webgpu` keeps the GPU.
 */
export function cpuOverGpu(requested: BackendName, chosen: BackendChoice, gan: boolean, g: ModelGraph, inLoops: () => boolean): string | undefined {
  if (requested !== 'auto' || !chosen.gpu || gan) return undefined;
  const anyway = `(--backend ${chosen.name} uses the GPU anyway)`;
  const recurrent = chosen.name === 'webgpu' && g.layers.find((l) => RECURRENT.has(l.kind) && !fusedOnWebgpu(l));
  if (recurrent) return `a recurrent layer (${recurrent.kind}) trains faster on the CPU than as the webgpu backend's dozens of kernels per time step ${anyway}`;
  if (inLoops()) return `a small dense stack trains faster in loops on the CPU than dispatched to the GPU ${anyway}`;
  return undefined;
}
