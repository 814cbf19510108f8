/** The unused lint says "never used" only of what no statement takes, not of what a broken statement takes. */
import { describe, expect, it } from 'vitest';
import { analyze } from '../dsl';

const unused = (text: string) => analyze(text).diagnostics.filter((d) => d.code === 'unused' && d.message.includes('never used')).map((d) => d.message);

describe('unused tensors', () => {
  it('counts a use by a statement that has an error of its own', () => {
    const text = 'model M {\n  input a: [4]\n  lonely = a -> dense(2)\n  b = a -> dense(3)\n  concat(a, b, axis: 3)\n}\n';
    expect(analyze(text).diagnostics.some((d) => d.code === 'invalid-argument')).toBe(true);
    expect(unused(text)).toEqual(['`lonely` is never used: nothing takes it as input and it is not an output']);
  });
});
