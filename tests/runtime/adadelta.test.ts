/** Adadelta as its paper, PyTorch and TensorFlow compute it (runtime/train/adadelta.ts), where tfjs's divides by the average from before the step. */
import { describe, expect, it } from 'vitest';
import { tf } from '../../runtime/tf';
import { Adadelta } from '../../runtime/train/adadelta';

/** PyTorch's torch.optim.Adadelta, step by step, on plain numbers. */
function reference(x: number, gradients: number[], lr: number, rho: number, eps: number): number {
  let squareAvg = 0;
  let accDelta = 0;
  for (const g of gradients) {
    squareAvg = rho * squareAvg + (1 - rho) * g * g;
    const delta = (Math.sqrt(accDelta + eps) / Math.sqrt(squareAvg + eps)) * g;
    accDelta = rho * accDelta + (1 - rho) * delta * delta;
    x -= lr * delta;
  }
  return x;
}

describe('Adadelta', () => {
  it('takes the steps PyTorch takes, its first a small one where tfjs\'s takes the whole gradient', () => {
    // Minimise (x - 3)^2 from x = 0 at the paper's learning rate, 1.0, with PyTorch's rho and eps.
    const run = (optimizer: tf.Optimizer, steps: number) => {
      const x = tf.variable(tf.scalar(0));
      const gradients: number[] = [];
      for (let i = 0; i < steps; i++) {
        const { grads } = tf.variableGrads(() => tf.square(tf.sub(x, 3)) as tf.Scalar, [x]);
        gradients.push(grads[x.name].dataSync()[0]);
        optimizer.applyGradients(grads);
        tf.dispose(grads);
      }
      const value = x.dataSync()[0];
      x.dispose();
      return { value, gradients };
    };
    const ours = run(new Adadelta(1, 0.9, 1e-6), 50);
    expect(ours.value).toBeCloseTo(reference(0, ours.gradients, 1, 0.9, 1e-6), 5);
    // The first step: sqrt(eps) / sqrt((1 - rho) g^2 + eps) * g, about 0.003 for g = -6; tfjs's moves x by the whole 6.
    expect(run(new Adadelta(1, 0.9, 1e-6), 1).value).toBeCloseTo(0.00316, 4);
    expect(run(tf.train.adadelta(1, 0.9, 1e-6), 1).value).toBeCloseTo(6, 4);
  });
});
