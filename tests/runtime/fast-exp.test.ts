/** The fused LSTM's exp, sigmoid and tanh (runtime/layers/fast-exp.ts) against Math's. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fastExp, fastSigmoid, fastTanh } from '../../runtime/layers/fast-exp';

describe('fast exp', () => {
  it('is within 2e-12 of Math.exp wherever doubles hold the result, and so are sigmoid and tanh', () => {
    fc.assert(fc.property(fc.double({ min: -700, max: 700, noNaN: true }), (x) => {
      expect(Math.abs(fastExp(x) / Math.exp(x) - 1)).toBeLessThan(2e-12);
      expect(Math.abs(fastSigmoid(x) - 1 / (1 + Math.exp(-x)))).toBeLessThan(2e-12);
      expect(Math.abs(fastTanh(x) - Math.tanh(x))).toBeLessThan(2e-12);
    }), { numRuns: 20_000 });
  });

  it('keeps the ends and NaN: sigmoid and tanh of ±Infinity, exp of NaN', () => {
    expect(fastSigmoid(Infinity)).toBe(1);
    expect(Math.fround(fastSigmoid(-Infinity))).toBe(0);
    expect(fastTanh(Infinity)).toBe(1);
    expect(fastTanh(-Infinity)).toBe(-1);
    expect(fastTanh(0)).toBe(0);
    expect(fastSigmoid(0)).toBe(0.5);
    expect(fastExp(NaN)).toBeNaN();
    expect(fastSigmoid(NaN)).toBeNaN();
  });
});
