/** A model's graph run again with a dataset's sizes (semantics/on-data.ts), beside the fixture train/on-data.dlnet. */
import { describe, expect, it } from 'vitest';
import { analyze, type Shape } from '../dsl';
import { runOnData } from '../dsl/semantics/on-data';

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
});
