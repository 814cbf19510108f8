/** The stalled-loss watch: when it speaks, once, and what it blames. */
import { describe, expect, it } from 'vitest';
import { StallWatch } from '../../runtime/train/stall';

const run = (losses: (number | undefined)[], learningRate?: number) => {
  const watch = new StallWatch(learningRate, 4);
  return losses.map((loss, i) => watch.next(i + 1, loss));
};

describe('stall watch', () => {
  it('speaks at the third equal epoch, once, naming where the flat stretch began', () => {
    const said = run([2.3, 1.9, 10.7185, 10.7185, 10.7185, 10.7185, 10.7185], 5);
    expect(said.map((w) => !!w)).toEqual([false, false, false, false, true, false, false]);
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
