/**
 * Adam with each small variable's update as one loop instead of a dozen tfjs ops.
 *
 * tfjs's Adam spends about 15 kernels on every variable at every step (two moments,
 * bias corrections, the update), and on small models those kernels are most of a step:
 * 90 of the 169 kernels of a 2-16-16-1 MLP's training step. On the CPU backends a
 * variable of at most SMALL values is updated in one pass over Float32Arrays (the same
 * arithmetic, the same moment variables, so state and serialisation are tfjs's); larger
 * ones, where tfjs's vectorised kernels win, and other backends go through tfjs's ops.
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
    const names = Array.isArray(variableGradients) ? variableGradients.map((v) => v.name) : Object.keys(variableGradients);
    // tfjs computes 1 - beta^t in float32.
    const correction1 = Math.fround(1 - s.accBeta1.dataSync()[0]);
    const correction2 = Math.fround(1 - s.accBeta2.dataSync()[0]);
    tf.tidy(() => {
      names.forEach((name, i) => {
        const value = tf.engine().registeredVariables[name];
        s.accumulatedFirstMoment[i] ??= { originalName: `${name}/m`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        s.accumulatedSecondMoment[i] ??= { originalName: `${name}/v`, variable: tf.tidy(() => tf.zerosLike(value).variable(false)) };
        const gradient = Array.isArray(variableGradients) ? variableGradients[i].tensor : variableGradients[name];
        if (gradient == null) return;
        const m = s.accumulatedFirstMoment[i].variable;
        const v = s.accumulatedSecondMoment[i].variable;
        if (value.size <= SMALL) updateInLoop(s, value, gradient, m, v, correction1, correction2);
        else updateWithOps(s, value, gradient, m, v, correction1, correction2);
      });
      s.accBeta1.assign(tf.scalar(Math.fround(s.accBeta1.dataSync()[0] * Math.fround(s.beta1))));
      s.accBeta2.assign(tf.scalar(Math.fround(s.accBeta2.dataSync()[0] * Math.fround(s.beta2))));
    });
    (this as unknown as { incrementIterations(): void }).incrementIterations();
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

/** tfjs's own update (adam_optimizer.ts), for the variables too large for the loop. */
function updateWithOps(s: AdamState, value: tf.Variable, gradient: tf.Tensor, m: tf.Variable, v: tf.Variable, correction1: number, correction2: number): void {
  const mNew = tf.add(tf.mul(m, s.beta1), tf.mul(gradient, 1 - s.beta1));
  const vNew = tf.add(tf.mul(v, s.beta2), tf.mul(tf.square(gradient), 1 - s.beta2));
  const mHat = tf.div(mNew, correction1);
  const vHat = tf.div(vNew, correction2);
  m.assign(mNew);
  v.assign(vNew);
  value.assign(tf.add(tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), s.epsilon)), -s.learningRate), value));
}
