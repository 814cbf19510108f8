/** A model's graph run again with a dataset's sizes (semantics/on-data.ts), beside the fixture train/on-data.dlnet. */
import { describe, expect, it } from 'vitest';
import { analyze, type Shape } from '../dsl';
import { leastSize, leastSizesOf, runOnData } from '../dsl/semantics/on-data';

const graph = (source: string) => analyze(source).models[0];
const run = (source: string, inputs: Record<string, Shape>) => runOnData(graph(source), new Map(Object.entries(inputs)));
const failure = (source: string, inputs: Record<string, Shape>) => {
  const r = run(source, inputs);
  const f = r?.failure;
  return f && { at: f.node.kind === 'input' ? f.node.id : f.node.kind, message: f.message, bound: r!.bound };
};

describe('runOnData', () => {
  it('gives an unknown size the data\'s, which promised nothing to the check', () => {
    const swap = 'model M {\n  input s: [?, 5]\n  residual { permute([2, 1]) }\n}\n';
    expect(failure(swap, { s: [5, 5] })).toBeUndefined();
    expect(failure(swap, { s: [7, 5] })).toEqual({ at: 'add', message: "residual adds [7, 5] to its body's output [5, 7]: the shapes must be equal", bound: [] });
  });

  it('holds inputs that name one size to one size', () => {
    const two = 'model M {\n  input a: [T, 8]\n  input b: [T, 8]\n  both = add(a, b)\n}\n';
    expect(failure(two, { a: [20, 8], b: [20, 8] })).toBeUndefined();
    expect(failure(two, { a: [20, 8], b: [30, 8] })).toEqual({ at: 'b', message: 'input `b` [T, 8] gets T = 30, but input `a` got T = 20', bound: ['T = 20'] });
  });

  it('writes the bound sizes into arguments, and gives every shape of a model that fits', () => {
    const reshaped = 'model M {\n  input s: [T, 8]\n  reshape([T, 4, 2])\n  conv2d(3, kernel: 2)\n}\n';
    const r = run(reshaped, { s: [6, 8] })!;
    expect(r.failure).toBeUndefined();
    expect(r.bound).toEqual(['T = 6']);
    expect([...r.shapes.values()]).toEqual([[6, 8], [6, 4, 2], [5, 3, 3]]);
  });

  it('runs nothing when the data leaves a size open or lacks an input', () => {
    const swap = 'model M {\n  input s: [T, 5]\n  residual { permute([2, 1]) }\n}\n';
    expect(run(swap, { s: [null, 5] })).toBeUndefined();
    expect(run(swap, {})).toBeUndefined();
  });

  it('says from which size on a model that fails on the data\'s runs, where it runs from there on', () => {
    const least = (source: string, inputs: Record<string, Shape>) => {
      const given = new Map(Object.entries(inputs));
      return leastSize(graph(source), given, runOnData(graph(source), given)!);
    };
    const windows = 'model M {\n  input s: [T, 1]\n  conv1d(4, kernel: 3)\n  conv1d(4, kernel: 3, dilation: 2)\n  lstm(8)\n}\n';
    expect(least(windows, { s: [4, 1] })).toBe('T ≥ 7');
    expect(least(windows, { s: [1, 1] })).toBe('T ≥ 7');
    const strided = 'model M {\n  input s: [T, 1]\n  conv1d(4, kernel: 9, strides: 4)\n  maxPool1d(3)\n  lstm(8)\n}\n';
    expect(least(strided, { s: [10, 1] })).toBe('T ≥ 17');
    // Runs at T = 5 only: no "from there on".
    expect(least('model M {\n  input s: [T, 5]\n  residual { permute([2, 1]) }\n}\n', { s: [4, 5] })).toBeUndefined();
    // Two sizes: each that the data leaves short is named.
    const image = 'model M {\n  input a: [H, W, 1]\n  conv2d(4, kernel: [3, 5])\n  maxPool2d(2)\n}\n';
    expect(least(image, { a: [2, 2, 1] })).toBe('H ≥ 4 and W ≥ 6');
    expect(least(image, { a: [2, 40, 1] })).toBe('H ≥ 4');
    // Sizes that only their sum bounds (T + S ≥ 5) have no least value each.
    expect(least('model M {\n  input a: [T, 1]\n  input b: [S, 1]\n  concat(a, b, axis: 0)\n  conv1d(2, kernel: 5)\n}\n', { a: [1, 1], b: [2, 1] })).toBeUndefined();
    // An input that fails: no size to name.
    const two = 'model M {\n  input a: [T, 1]\n  input b: [T, 1]\n  add(a, b)\n}\n';
    expect(least(two, { a: [4, 1], b: [5, 1] })).toBeUndefined();
  });

  it('says from which sizes on a model runs without data, each size on its own', () => {
    const sizes = (source: string) => leastSizesOf(graph(source));
    expect(sizes('model M {\n  input s: [T, 1]\n  conv1d(4, kernel: 3)\n  conv1d(4, kernel: 3, dilation: 2)\n}\n')).toEqual({ T: 7 });
    // A CNN pooled twice: 3 - 1 + 1, halved, 5 - 1 + 1, halved.
    const cnn = 'model M {\n  input img: [H, W, 1]\n  conv2d(8, kernel: 3)\n  maxPool2d(2)\n  conv2d(8, kernel: 5)\n  maxPool2d(2)\n  globalAvgPool2d\n}\n';
    expect(sizes(cnn)).toEqual({ H: 14, W: 14 });
    // Only the sizes that need more than 1 are named.
    expect(sizes('model M {\n  input a: [T, 1]\n  input b: [S, 1]\n  x = a -> conv1d(2, kernel: 4)\n  y = b -> dense(2)\n}\n')).toEqual({ T: 4 });
    // Every size runs, or the sizes are bound together (H = W), or one is unknown: nothing to say.
    expect(sizes('model M {\n  input img: [H, W, 1]\n  conv2d(8, kernel: 3, padding: same)\n}\n')).toBeUndefined();
    expect(sizes('model M {\n  input img: [H, W, 2]\n  conv2d(2, kernel: 3)\n  residual { permute([2, 1, 3]) }\n}\n')).toBeUndefined();
    expect(sizes('model M {\n  input img: [H, ?, 1]\n  conv2d(8, kernel: 3)\n}\n')).toBeUndefined();
  });
});
