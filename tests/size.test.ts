/** Symbolic sizes: one written form for each polynomial, and arithmetic that agrees with the numbers it stands for. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mostKnown } from '../dsl/semantics/shape';
import { addSizes, compareSizes, divideSizes, evaluateSize, floorDivide, multiplySizes } from '../dsl/semantics/size';

describe('symbolic sizes', () => {
  it('write each size one way: higher degree first, then by name, the constant last', () => {
    expect(addSizes('T', -2)).toBe('T-2');
    expect(addSizes('T', 'S')).toBe('S+T');
    expect(addSizes('T', 'T')).toBe('T*2');
    expect(addSizes(addSizes('T', 2), -2)).toBe('T');
    expect(multiplySizes(addSizes('T', -2), 4)).toBe('T*4-8');
    expect(multiplySizes('T', 'S')).toBe('S*T');
    expect(multiplySizes(addSizes('T', 1), 'S')).toBe('S*T+S');
    expect(addSizes(multiplySizes('T', -1), 5)).toBe('-T+5');
    expect(addSizes(addSizes('T', -2), multiplySizes('T', -1))).toBe(-2);
  });

  it('divide only where the quotient is a size for every value of the names', () => {
    expect(divideSizes('T*8', 8)).toBe('T');
    expect(divideSizes('T*4-8', 4)).toBe('T-2');
    expect(divideSizes('S*T*4', 'T')).toBe('S*4');
    expect(divideSizes('T*3', 2)).toBeUndefined();
    expect(divideSizes('T+1', 'T')).toBeUndefined();
    expect(divideSizes(12, 5)).toBeUndefined();
    expect(divideSizes(12, 4)).toBe(3);
  });

  it('tell sizes that are never equal from those equal for one value and those that may be', () => {
    expect(compareSizes('T', 'T')).toEqual({ kind: 'equal' });
    expect(compareSizes('T-2', 'T')).toEqual({ kind: 'differ' });
    expect(compareSizes('T', 5)).toEqual({ kind: 'when', name: 'T', value: 5 });
    expect(compareSizes('T-2', 5)).toEqual({ kind: 'when', name: 'T', value: 7 });
    expect(compareSizes('T*2', 5)).toEqual({ kind: 'differ' });
    expect(compareSizes('T+3', 2)).toEqual({ kind: 'differ' });
    expect(compareSizes('S*T', 0)).toEqual({ kind: 'differ' });
    expect(compareSizes('T', 'S')).toEqual({ kind: 'maybe' });
    expect(compareSizes('S*T', 12)).toEqual({ kind: 'maybe' });
  });

  it('make a size too large to write unknown, rather than lose its whole numbers', () => {
    let upsampled: number | string | null = 'H';
    for (let i = 0; i < 52; i++) upsampled = multiplySizes(upsampled, 2);
    expect(upsampled).toBe(`H*${2 ** 52}`);
    expect(multiplySizes(upsampled, 2)).toBeNull();
    const wide = addSizes(addSizes('S', 'T'), addSizes('H', 1));
    expect(multiplySizes(wide, wide)).toBeNull();
    expect(multiplySizes(multiplySizes('T', 'T'), multiplySizes('T', 'T'))).toBe('T*T*T*T');
    expect(multiplySizes(multiplySizes('T', 'T'), multiplySizes('T', multiplySizes('T', 'T')))).toBeNull();
    expect(addSizes(null, 'T')).toBeNull();
  });

  it('divide with a floor, what the divisor divides coming out whole, so that each size has one written form', () => {
    expect(floorDivide('T', 2)).toBe('floor(T/2)');
    expect(floorDivide('T-1', 2)).toBe('floor((T+1)/2)-1');
    expect(floorDivide('T*4+6', 4)).toBe('T+1');
    expect(floorDivide('T*3+1', 2)).toBe('floor((T*3+1)/2)');
    expect(floorDivide(floorDivide('T', 2), 2)).toBe('floor(T/4)');
    expect(floorDivide(floorDivide('T+1', 2), 3)).toBe('floor((T+1)/6)');
    // A product of floors is no floor of a floor.
    const product = multiplySizes(floorDivide('T', 2), floorDivide('S', 3));
    expect(product).toBe('floor(S/3)*floor(T/2)');
    expect(floorDivide(product, 2)).toBe('floor(floor(S/3)*floor(T/2)/2)');
    expect(evaluateSize(floorDivide(product, 2)!, (n) => (n === 'T' ? 9 : 7))).toBe(4);
    expect(floorDivide(7, 2)).toBe(3);
    expect(floorDivide('T', 1)).toBe('T');
    expect(floorDivide(null, 2)).toBeNull();
  });

  it('say together what shapes that must be one know: a number over a name over ?', () => {
    expect(mostKnown([[null, 8], ['T', null]])).toEqual(['T', 8]);
    expect(mostKnown([['T', null], [null, 'S'], [4, null]])).toEqual([4, 'S']);
    expect(mostKnown([[null], [null]])).toEqual([null]);
  });

  const names = ['S', 'T', 'H'];
  const size = fc.letrec<{ size: number | string | null }>((tie) => ({
    size: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.integer({ min: -5, max: 9 }),
      fc.constantFrom(...names),
      fc.tuple(tie('size'), tie('size')).map(([a, b]) => addSizes(a, b)),
      fc.tuple(tie('size'), tie('size')).map(([a, b]) => multiplySizes(a, b)),
      fc.tuple(tie('size'), fc.integer({ min: 1, max: 4 })).map(([a, by]) => floorDivide(a, by)),
    ),
  })).size;
  const values = fc.tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 40 }));

  it('compute what the numbers compute, and compare as they do', () => {
    fc.assert(fc.property(size, size, values, (a, b, v) => {
      fc.pre(a !== null && b !== null);
      const value = (n: string) => v[names.indexOf(n)];
      const [x, y] = [evaluateSize(a, value), evaluateSize(b, value)];
      // (== not toBe: -1 times 0 is -0.)
      const [sum, product] = [addSizes(a, b), multiplySizes(a, b)];
      if (sum !== null) expect(evaluateSize(sum, value) == x + y).toBe(true);
      if (product !== null) expect(evaluateSize(product, value) == x * y).toBe(true);
      for (const by of [1, 2, 3]) {
        const quotient = floorDivide(a, by);
        if (quotient !== null) expect(evaluateSize(quotient, value) == Math.floor(x / by)).toBe(true);
      }
      // A floor is a size in a model (at least 1 where it runs), but not for any values made up here.
      if ([a, b].some((d) => String(d).includes('floor'))) return;
      const c = compareSizes(a, b);
      if (c.kind === 'equal') expect(x).toBe(y);
      if (c.kind === 'differ' && names.every((n) => value(n) >= 1)) expect(x).not.toBe(y);
      if (c.kind === 'when' && value(c.name) !== c.value) expect(x).not.toBe(y);
      // The written form is the canonical one: reading and writing it again changes nothing.
      if (typeof a === 'string') expect(addSizes(a, 0)).toBe(a);
    }), { numRuns: 500 });
  });
});
