/** The watch for runs that stop learning without failing: when it speaks, once, what it blames, where it points. */
import { describe, expect, it } from 'vitest';
import { constantPredictionLoss, StallWatch, type Baseline } from '../../runtime/train/stall';

const run = (losses: (number | undefined)[], learningRate?: number, baseline?: Baseline) => {
  const watch = new StallWatch({ learningRate, optimizerLine: 4, modelLine: 1, baseline });
  return losses.map((loss, i) => watch.next(i + 1, loss));
};
const spoke = (said: unknown[]) => said.map((w) => !!w);

describe('a loss stuck at one value', () => {
  it('is said at the third equal epoch, once, naming where the flat stretch began and pointing at the optimizer', () => {
    const said = run([2.3, 1.9, 10.7185, 10.7185, 10.7185, 10.7185, 10.7185], 5);
    expect(spoke(said)).toEqual([false, false, false, false, true, false, false]);
    expect(said[4]).toEqual({ line: 4, message: 'the loss has stayed at 10.7185 since epoch 3: training has stalled; the learning rate 5 is far too high (most runs use 1e-4 to 0.1): lower it' });
  });

  it('counts values within a millionth as equal, and a real change as progress', () => {
    expect(run([0.693147, 0.6931472, 0.6931469]).some((w) => w)).toBe(true);
    expect(run([0.7, 0.69, 0.68, 0.67, 0.66, 0.65]).some((w) => w)).toBe(false);
    expect(run([0.7, 0.7, 0.69, 0.69, 0.68, 0.68]).some((w) => w)).toBe(false);
  });

  it('leaves a converged loss, a missing or a non-finite one alone', () => {
    expect(run([1e-5, 1e-5, 1e-5, 1e-5]).some((w) => w)).toBe(false);
    expect(run([undefined, undefined, undefined, undefined]).some((w) => w)).toBe(false);
    expect(run([NaN, NaN, NaN, NaN]).some((w) => w)).toBe(false);
  });

  it('blames the learning rate only when it is high', () => {
    expect(run([1, 1, 1], 1e6)[2]!.message).toContain('the learning rate 1e6 is far too high');
    expect(run([1, 1, 1], 0.001)[2]!.message).toContain('units that died (relu) or saturated (sigmoid, tanh) no longer learn');
    expect(run([1, 1, 1])[2]!.message).not.toContain('learning rate 0');
  });
});

describe('a loss no better than a constant prediction', () => {
  const chance: Baseline = { loss: Math.LN2, what: 'the class frequencies' };
  const noisy = (n: number) => Array.from({ length: n }, (_, i) => Math.LN2 + 0.001 * Math.sin(i * 7));

  it('is said after ten epochs at that level without coming down, pointing at the model', () => {
    const said = run(noisy(14), 0.003, chance);
    expect(spoke(said).indexOf(true)).toBe(9);
    expect(said[9]!.line).toBe(1);
    expect(said[9]!.message).toMatch(/^the loss \(0\.69\d+\) has been no better than predicting the class frequencies \(0\.6931\) for 10 epochs: the network has learnt nothing/);
    expect(spoke(said).filter(Boolean)).toHaveLength(1);
  });

  it('is not said of a loss that starts above it and comes down (XOR breaking its symmetry), nor of one below it', () => {
    const xor = [0.7443, 0.7273, 0.7161, 0.7085, 0.703, 0.6988, 0.6954, 0.6925, 0.69, 0.6877, 0.6855, 0.6835, 0.6815, 0.6797];
    expect(run(xor, 0.1, chance).some((w) => w)).toBe(false);
    expect(run(Array.from({ length: 12 }, (_, i) => 0.6 + 0.01 * (i % 2)), 0.01, chance).some((w) => w)).toBe(false);
    expect(run(noisy(9), 0.01, chance).some((w) => w)).toBe(false);
  });
});

describe('the constant prediction', () => {
  const column = (data: number[], width: number) => ({ data: Float32Array.from(data), shape: [width] });

  it('scores the labels\' entropy for the cross-entropies and their variance for the squared error', () => {
    expect(constantPredictionLoss('binaryCrossentropy', column([0, 1, 1, 0], 1), 4)!.loss).toBeCloseTo(Math.LN2, 6);
    expect(constantPredictionLoss('binaryCrossentropy', column([1, 1, 1, 0], 1), 4)!.loss).toBeCloseTo(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25)), 6);
    expect(constantPredictionLoss('categoricalCrossentropy', column([1, 0, 0, 0, 1, 0, 0, 0, 1], 3), 3)!.loss).toBeCloseTo(Math.log(3), 6);
    expect(constantPredictionLoss('sparseCategoricalCrossentropy', column([0, 1, 2, 3], 1), 4)!.loss).toBeCloseTo(Math.log(4), 6);
    const mse = constantPredictionLoss('meanSquaredError', column([1, 10, 3, 10], 2), 2)!;
    expect(mse.loss).toBeCloseTo(((1 - 2) ** 2 + 0 + (3 - 2) ** 2 + 0) / 4, 6);
    expect(mse.what).toBe('the mean of the labels');
  });

  it('has none for other losses or without labels', () => {
    expect(constantPredictionLoss('huber', column([1, 2], 1), 2)).toBeUndefined();
    expect(constantPredictionLoss('binaryCrossentropy', undefined, 0)).toBeUndefined();
  });
});
