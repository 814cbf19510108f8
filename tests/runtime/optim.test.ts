/** A learning-rate schedule reaches every optimiser: the rate set between epochs is the one the next step uses. */
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend';
import { LearningRates, optimizer, setLearningRate } from '../../runtime/train/optim';
import { tf } from '../../runtime/tf';

const names = ['sgd', 'momentum', 'adam', 'adamw', 'adamax', 'rmsprop', 'adagrad', 'adadelta'];

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
    const args = { learningRate: 0.01, momentum: 0.9, beta1: 0.9, beta2: 0.999, decay: 0.9, rho: 0.95, epsilon: 1e-7, nesterov: false, weightDecay: 0.01 };
    const made = firstStep(optimizer({ name, args }));
    const rescheduled = optimizer({ name, args: { ...args, learningRate: 0.1 } });
    setLearningRate(rescheduled, 0.01);
    const set = firstStep(rescheduled);
    expect(Math.abs(made[2])).toBeGreaterThan(0);
    for (let i = 0; i < 3; i++) expect(set[i]).toBeCloseTo(made[i], 6);
  });
});

describe('LearningRates', () => {
  const plateau = (args: Record<string, unknown>) => new LearningRates(0.1, { name: 'reduceOnPlateau', args: { factor: 0.5, patience: 2, monitor: { name: 'val_loss', args: {} }, minDelta: 0, cooldown: 0, minRate: 0, ...args } }, 20);
  /** The rate of each epoch, fed the val_loss of each in turn. */
  const rates = (lr: LearningRates, losses: number[]) => losses.map((loss, epoch) => {
    const rate = lr.at(epoch);
    lr.observe(epoch + 1, { val_loss: loss });
    return rate;
  });

  it('follows a schedule of the epoch alone', () => {
    const lr = new LearningRates(0.1, { name: 'exponentialDecay', args: { rate: 0.5, every: 2 } }, 10);
    expect(rates(lr, [1, 1, 1, 1, 1])).toEqual([0.1, 0.1, 0.05, 0.05, 0.025]);
  });

  it('reduceOnPlateau halves the rate after patience epochs without improvement, and waits again', () => {
    expect(rates(plateau({}), [1, 0.9, 0.95, 0.92, 0.91, 0.8, 0.85, 0.85])).toEqual([0.1, 0.1, 0.1, 0.1, 0.05, 0.05, 0.05, 0.05]);
  });

  it('counts an improvement only beyond minDelta, goes no lower than minRate, and waits out its cooldown', () => {
    expect(rates(plateau({ minDelta: 0.1, patience: 1, minRate: 0.03 }), [1, 0.95, 0.91, 0.85, 0.5])).toEqual([0.1, 0.1, 0.05, 0.03, 0.03]);
    // Keras's counting: a cooldown of 2 leaves the epoch after a reduction out of the waiting.
    expect(rates(plateau({ patience: 1, cooldown: 2 }), [1, 1, 1, 1, 1, 1])).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
  });

  it('watches an accuracy upwards', () => {
    const lr = new LearningRates(0.1, { name: 'reduceOnPlateau', args: { factor: 0.5, patience: 1, monitor: { name: 'val_acc', args: {} }, minDelta: 0, cooldown: 0, minRate: 0 } }, 10);
    const seen = [0.5, 0.6, 0.55].map((acc, epoch) => [lr.at(epoch), lr.observe(epoch + 1, { val_acc: acc })]);
    expect(seen.map(([rate]) => rate)).toEqual([0.1, 0.1, 0.1]);
    expect(seen[2][1]).toMatch(/val_acc has not improved on 0\.6000 \(epoch 2\) for 1 epoch: learning rate 0\.100 → 0\.0500/);
    expect(lr.at(3)).toBe(0.05);
  });
});

describe('weight decay', () => {
  /** One step of `opt` on w = [1, -2, 3] with gradient [0.5, -1, 2]: w after it. */
  async function stepped(opt: tf.Optimizer): Promise<number[]> {
    await selectBackend('cpu');
    const w = tf.variable(tf.tensor1d([1, -2, 3]), true, `wd${Math.random()}`);
    opt.applyGradients({ [w.name]: tf.tensor1d([0.5, -1, 2]) });
    const after = Array.from(w.dataSync());
    w.dispose();
    opt.dispose();
    return after;
  }
  const w0 = [1, -2, 3];
  const g = [0.5, -1, 2];

  it('adamw shrinks each weight by learningRate·weightDecay of itself, then takes Adam\'s step (PyTorch\'s AdamW)', async () => {
    const lr = 0.1;
    const wd = 0.5;
    const adam = await stepped(optimizer({ name: 'adam', args: { learningRate: lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } }));
    const adamw = await stepped(optimizer({ name: 'adamw', args: { learningRate: lr, weightDecay: wd, beta1: 0.9, beta2: 0.999, epsilon: 1e-7 } }));
    // Adam's first step is lr·sign(g) whatever the weight: the difference is the decay alone.
    adamw.forEach((v, i) => expect(v).toBeCloseTo(adam[i] - lr * wd * w0[i], 5));
  });

  it('sgd and momentum add weightDecay·w to the gradient (PyTorch\'s SGD weight_decay); 0 changes nothing', async () => {
    const lr = 0.1;
    const wd = 0.5;
    const expected = w0.map((w, i) => w - lr * (g[i] + wd * w));
    for (const name of ['sgd', 'momentum']) {
      const decayed = await stepped(optimizer({ name, args: { learningRate: lr, momentum: 0.9, nesterov: false, weightDecay: wd } }));
      decayed.forEach((v, i) => expect(v).toBeCloseTo(expected[i], 5));
      const plain = await stepped(optimizer({ name, args: { learningRate: lr, momentum: 0.9, nesterov: false, weightDecay: 0 } }));
      plain.forEach((v, i) => expect(v).toBeCloseTo(w0[i] - lr * g[i], 5));
    }
  });
});
