/** A learning-rate schedule reaches every optimiser: the rate set between epochs is the one the next step uses. */
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend';
import { optimizer, setLearningRate } from '../../runtime/train/optim';
import { tf } from '../../runtime/tf';

const names = ['sgd', 'momentum', 'adam', 'adamax', 'rmsprop', 'adagrad', 'adadelta'];

/** One step of `opt` on w = [1, -2, 3] with gradient [0.5, -1, 2]; returns the change of w. */
function firstStep(opt: tf.Optimizer): Float32Array {
  const w = tf.variable(tf.tensor1d([1, -2, 3]), true, `w${Math.random()}`);
  opt.applyGradients({ [w.name]: tf.tensor1d([0.5, -1, 2]) });
  const change = tf.sub(w, tf.tensor1d([1, -2, 3])).dataSync() as Float32Array;
  w.dispose();
  opt.dispose();
  return change;
}

describe('setLearningRate', () => {
  it.each(names)('%s: an optimiser made at 10x the rate and set to the rate steps as one made at the rate', async (name) => {
    await selectBackend('cpu');
    const args = { learningRate: 0.01, momentum: 0.9, beta1: 0.9, beta2: 0.999, decay: 0.9, rho: 0.95, epsilon: 1e-7, nesterov: false };
    const made = firstStep(optimizer({ name, args }));
    const rescheduled = optimizer({ name, args: { ...args, learningRate: 0.1 } });
    setLearningRate(rescheduled, 0.01);
    const set = firstStep(rescheduled);
    expect(Math.abs(made[2])).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect(set[i]).toBeCloseTo(made[i], 6);
  });
});
