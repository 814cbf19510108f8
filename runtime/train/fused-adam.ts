/**
 * Adam with each small variable's update as one loop instead of a dozen tfjs ops.
 *
 * tfjs's Adam spends about 15 kernels on every variable at every step (two moments,
 * bias corrections, the update), and on small models those kernels are most of a step:
 * 90 of the 169 kernels of a 2-16-16-1 MLP's training step. On the CPU backends a
 * variable of at most SMALL values is updated in one pass over Float32Arrays (the same
 * arithmetic, the same moment variables, so state and serialisation are tfjs's); tfjs's
 * own Adam then updates the larger ones, where its vectorised kernels win, and keeps the
 * step count. On webgpu every variable's step is one dispatch that updates it in place
 * (runtime/kernels/webgpu-adam.ts) instead of fifteen kernels; other backends use tfjs's
 * Adam for everything. A subclass may shrink every weight before its step (AdamW).
 */
import { adamInPlaceOnDevice, canStepInPlace } from '../kernels/webgpu-adam';
import { webgpuExtras } from '../kernels/webgpu-program';
import { tf } from '../tf';
import { namedGradients, type VariableGradients } from './gradients';

/** Up to this many values a loop in JavaScript beats tfjs's kernels on wasm. */
export const SMALL = 4096;

interface Moment {
  originalName: string;
  variable: tf.Variable;
}

/** AdamOptimizer's state, private in its typings. */
export interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Moment[];
  accumulatedSecondMoment: Moment[];
}

export class FusedAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    const backend = tf.getBackend();
    const named = namedGradients(variableGradients);
    if (backend === 'webgpu' && webgpuExtras().on && this.applyOnDevice(named)) return;
    this.decay(named);
    if (backend !== 'cpu' && backend !== 'wasm') return super.applyGradients(variableGradients);
    const s = this as unknown as AdamState;
    const inLoop = ({ name, tensor }: { name: string; tensor: tf.Tensor | null }) => tensor != null && tf.engine().registeredVariables[name].size <= SMALL;
    const constants = adamConstants(s, s.accBeta1.dataSync()[0], s.accBeta2.dataSync()[0]);
    tf.tidy(() => named.forEach(({ name, tensor }, i) => {
      if (!inLoop({ name, tensor })) return;
      const value = tf.engine().registeredVariables[name];
      const [m, v] = adamMoments(this, i, value);
      const arrays = [value, m, v].map((t) => Float32Array.from(t.dataSync() as Float32Array));
      adamInPlace(arrays[0], tensor!.dataSync() as Float32Array, arrays[1], arrays[2], constants);
      [value, m, v].forEach((t, k) => t.assign(tf.tensor(arrays[k], t.shape)));
    }));
    // tfjs's Adam does the rest: the large variables, the powers of beta, the step count. It skips a variable without a gradient.
    super.applyGradients(named.map((g) => ({ name: g.name, tensor: inLoop(g) ? null : g.tensor })) as unknown as VariableGradients);
  }

  /** What each weight is multiplied by before its step: 1 here; AdamW's decay (weight-decay.ts) below 1. */
  protected shrink(): number {
    return 1;
  }

  /** Each variable with a gradient shrunk before its step, where it shrinks (the device's step shrinks it itself). */
  private decay(named: { name: string; tensor: tf.Tensor | null }[]): void {
    const shrink = this.shrink();
    if (shrink === 1) return;
    tf.tidy(() => {
      for (const { name, tensor } of named) {
        const value = tf.engine().registeredVariables[name];
        if (tensor != null && value) value.assign(tf.mul(value, shrink));
      }
    });
  }

  /**
   * Every variable's step in place on the device, then the powers of beta, and the step
   * count as tfjs's Adam keeps it; false (nothing done) where a variable shares its
   * values with another tensor, which a step in place would change too.
   */
  private applyOnDevice(named: { name: string; tensor: tf.Tensor | null }[]): boolean {
    const s = this as unknown as AdamState;
    const steps = named.flatMap(({ name, tensor }, i) => {
      const value = tf.engine().registeredVariables[name];
      const [m, v] = adamMoments(this, i, value);
      return tensor == null ? [] : [{ value, gradient: tensor, m, v }];
    });
    if (!canStepInPlace(tf.backend(), [...steps.flatMap((x) => [x.value, x.m, x.v]), s.accBeta1, s.accBeta2])) return false;
    adamInPlaceOnDevice(tf.backend(), steps, s.accBeta1, s.accBeta2, { beta1: s.beta1, beta2: s.beta2, learningRate: s.learningRate, epsilon: s.epsilon, shrink: this.shrink() });
    (this as unknown as { incrementIterations(): void }).incrementIterations();
    return true;
  }
}

/** The moment variables of the i-th variable a step updates, made as tfjs's Adam makes them when missing. */
export function adamMoments(opt: tf.AdamOptimizer, i: number, value: tf.Variable): [tf.Variable, tf.Variable] {
  const s = opt as unknown as AdamState;
  s.accumulatedFirstMoment[i] ??= { originalName: `${value.name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
  s.accumulatedSecondMoment[i] ??= { originalName: `${value.name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
  return [s.accumulatedFirstMoment[i].variable, s.accumulatedSecondMoment[i].variable];
}

/** The constants of one Adam step, float32 as tfjs holds them; accBeta1/2 are beta1^t and beta2^t before the step. */
export interface AdamConstants {
  b1: number;
  b2: number;
  c1: number;
  c2: number;
  eps: number;
  rate: number;
  correction1: number;
  correction2: number;
}

export function adamConstants(s: Pick<AdamState, 'beta1' | 'beta2' | 'epsilon' | 'learningRate'>, accBeta1: number, accBeta2: number): AdamConstants {
  const f = Math.fround;
  // tfjs computes 1 - beta^t in float32.
  return { b1: f(s.beta1), b2: f(s.beta2), c1: f(1 - s.beta1), c2: f(1 - s.beta2), eps: f(s.epsilon), rate: f(-s.learningRate), correction1: f(1 - accBeta1), correction2: f(1 - accBeta2) };
}

/** One Adam step in place: w, m and v from the gradient g. */
export function adamInPlace(w: Float32Array, g: ArrayLike<number>, m: Float32Array, v: Float32Array, k: AdamConstants): void {
  // Every intermediate rounded to float32 as tfjs's kernels round them, in tfjs's order.
  const f = Math.fround;
  for (let i = 0; i < w.length; i++) {
    const gi = g[i];
    const mi = f(f(m[i] * k.b1) + f(gi * k.c1));
    const vi = f(f(v[i] * k.b2) + f(f(gi * gi) * k.c2));
    m[i] = mi;
    v[i] = vi;
    const mHat = f(mi / k.correction1);
    const vHat = f(vi / k.correction2);
    w[i] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + k.eps)) * k.rate) + w[i]);
  }
}
