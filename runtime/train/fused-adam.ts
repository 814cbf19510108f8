/**
 * Adam with each small variable's update as one loop instead of a dozen tfjs ops.
 *
 * tfjs's Adam spends about 15 kernels on every variable at every step (two moments,
 * bias corrections, the update), and on small models those kernels are most of a step:
 * 90 of the 169 kernels of a 2-16-16-1 MLP's training step. On the CPU backends a
 * variable of at most SMALL values is updated in one pass over Float32Arrays (the same
 * arithmetic, the same moment variables, so state and serialisation are tfjs's); tfjs's
 * own Adam then updates the larger ones, where its vectorised kernels win, and keeps the
 * step count; other backends use it for everything.
 */
import { tf } from '../tf';

/** Up to this many values a loop in JavaScript beats tfjs's kernels on wasm. */
export const SMALL = 4096;

interface Moment {
  originalName: string;
  variable: tf.Variable;
}

/** AdamOptimizer's state, private in its typings. */
interface AdamState {
  learningRate: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  accBeta1: tf.Variable;
  accBeta2: tf.Variable;
  accumulatedFirstMoment: Moment[];
  accumulatedSecondMoment: Moment[];
}

type VariableGradients = Parameters<tf.AdamOptimizer['applyGradients']>[0];

export class FusedAdam extends tf.AdamOptimizer {
  override applyGradients(variableGradients: VariableGradients): void {
    const backend = tf.getBackend();
    if (backend !== 'cpu' && backend !== 'wasm') return super.applyGradients(variableGradients);
    const s = this as unknown as AdamState;
    const named = Array.isArray(variableGradients) ? variableGradients : Object.keys(variableGradients).map((name) => ({ name, tensor: variableGradients[name] }));
    const inLoop = ({ name, tensor }: { name: string; tensor: tf.Tensor | null }) => tensor != null && tf.engine().registeredVariables[name].size <= SMALL;
    // tfjs computes 1 - beta^t in float32.
    const correction1 = Math.fround(1 - s.accBeta1.dataSync()[0]);
    const correction2 = Math.fround(1 - s.accBeta2.dataSync()[0]);
    tf.tidy(() => named.forEach(({ name, tensor }, i) => {
      if (!inLoop({ name, tensor })) return;
      const value = tf.engine().registeredVariables[name];
      // The moments sit at the variable's position, where tfjs's Adam looks for them.
      s.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      s.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
      updateInLoop(s, value, tensor!, s.accumulatedFirstMoment[i].variable, s.accumulatedSecondMoment[i].variable, correction1, correction2);
    }));
    // tfjs's Adam does the rest: the large variables, the powers of beta, the step count. It skips a variable without a gradient.
    super.applyGradients(named.map((g) => ({ name: g.name, tensor: inLoop(g) ? null : g.tensor })) as unknown as VariableGradients);
  }
}

function updateInLoop(s: AdamState, value: tf.Variable, gradient: tf.Tensor, m: tf.Variable, v: tf.Variable, correction1: number, correction2: number): void {
  const g = gradient.dataSync() as Float32Array;
  const mOld = m.dataSync() as Float32Array;
  const vOld = v.dataSync() as Float32Array;
  const w = value.dataSync() as Float32Array;
  const n = w.length;
  const mNew = new Float32Array(n);
  const vNew = new Float32Array(n);
  const wNew = new Float32Array(n);
  // Every constant and every intermediate rounded to float32 as tfjs's kernels round them, in tfjs's order.
  const f = Math.fround;
  const b1 = f(s.beta1);
  const b2 = f(s.beta2);
  const c1 = f(1 - s.beta1);
  const c2 = f(1 - s.beta2);
  const eps = f(s.epsilon);
  const rate = f(-s.learningRate);
  for (let k = 0; k < n; k++) {
    const gk = g[k];
    const mk = f(f(mOld[k] * b1) + f(gk * c1));
    const vk = f(f(vOld[k] * b2) + f(f(gk * gk) * c2));
    mNew[k] = mk;
    vNew[k] = vk;
    const mHat = f(mk / correction1);
    const vHat = f(vk / correction2);
    wNew[k] = f(f(f(mHat / f(f(Math.sqrt(vHat)) + eps)) * rate) + w[k]);
  }
  m.assign(tf.tensor(mNew, m.shape));
  v.assign(tf.tensor(vNew, v.shape));
  value.assign(tf.tensor(wNew, value.shape));
}
