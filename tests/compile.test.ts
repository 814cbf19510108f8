/**
 * The checker and TensorFlow.js never disagree: every model of every sample and
 * fixture is compiled, and each layer's output shape and parameter count must equal
 * what the checker inferred; then it runs on a batch of two, and its outputs must have
 * the shapes the checker said (a layer can build and still fail when it runs).
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, evaluateSize, modelSummary, unbuildable, type Dim } from '../dsl';
import { CompileError, compileModel } from '../runtime/compile/compile';
import { addCompiledShapes, type CompiledLayer } from '../runtime/compile/summary';
import { tf } from '../runtime/tf';
import { fileHost } from '../runtime/files';
import { runsForSomeSizesOnly } from './support/conditional';
import { dlnetFiles } from './support/files';

const root = join(__dirname, '..');
const files = [...dlnetFiles(join(root, 'samples')), ...dlnetFiles(join(root, 'tests', 'fixtures'))];

/**
 * The sizes to run a model with: \`?\` is 3, and each symbolic size a value of its own
 * (11, 13, 17, …, above the least the model runs with), so that sizes the checker keeps
 * apart are apart when it runs; what the checker made of them (\`T-2\`, \`T*8\`) is worked
 * out with those values.
 */
function sizer(least: Readonly<Record<string, number>> = {}): (d: Dim) => number {
  const values = new Map<string, number>();
  const primes = [11, 13, 17, 19, 23, 29];
  const symbol = (name: string) => {
    if (!values.has(name)) values.set(name, (least[name] ?? 0) + primes[values.size % primes.length]);
    return values.get(name)!;
  };
  return (d) => (d === null ? 3 : evaluateSize(d, symbol));
}

describe('checker vs tfjs', () => {
  for (const file of files) {
    const analysis = analyze(readFileSync(file, 'utf8'), { host: fileHost(file) });
    // A model whose weights need a size it leaves unknown cannot be built: compiling it says so (and the train check did).
    const ok = analysis.models.filter((m) => m.ok && !unbuildable(m));
    const open = analysis.models.filter((m) => m.ok && unbuildable(m));
    if (ok.length === 0 && open.length === 0) continue;
    it(relative(root, file), () => {
      for (const g of open) expect(() => compileModel(g)).toThrow(CompileError);
      // With a value of its own for each symbolic size, such a model must fail to build or run.
      const conditional = (model: string) => runsForSomeSizesOnly(analysis, analysis.models.find((m) => m.name === model)!);
      const models = ok.map(modelSummary);
      addCompiledShapes(analysis, models);
      const mismatches: string[] = [];
      for (const m of models) {
        if (conditional(m.name)) continue; // tfjs leaves open what the checker took the warned-of condition to settle
        for (const l of m.layers as CompiledLayer[]) {
          if (!l.compiledOutputShape) continue; // not on a path to an output: tfjs leaves it out
          const inferred = l.outputShape.map((d) => (typeof d === 'number' ? d : null));
          if (JSON.stringify(inferred) !== JSON.stringify(l.compiledOutputShape)) mismatches.push(`${m.name}.${l.name}: shape ${JSON.stringify(inferred)} vs tfjs ${JSON.stringify(l.compiledOutputShape)}`);
          if (l.params !== null && l.params !== l.compiledParams) mismatches.push(`${m.name}.${l.name}: params ${l.params} vs tfjs ${l.compiledParams}`);
        }
      }
      for (const g of ok) {
        const size = sizer(modelSummary(g).leastSizes);
        // An embedding reads its input as indices: zeros are valid ones whatever the layers before it made.
        const indices = g.layers.some((l) => l.kind === 'embedding');
        const xs = g.inputs.map((i) => (i.dtype === 'int32' || indices ? tf.zeros([2, ...i.shape.map(size)], i.dtype) : tf.randomUniform([2, ...i.shape.map(size)])));
        let model: ReturnType<typeof compileModel> | undefined;
        try {
          model = compileModel(g);
          const out = model.predict(xs.length === 1 ? xs[0] : xs);
          const shapes = (Array.isArray(out) ? out : [out]).map((t) => t.shape.slice(1));
          // A size the checker leaves unknown may be anything (a convolution over T makes one).
          const expected = modelSummary(g).outputs.map((o) => o?.map((d) => (d === null ? null : size(d))));
          const agree = shapes.length === expected.length && shapes.every((s, i) => s.length === expected[i]?.length && s.every((d, j) => expected[i]![j] === null || expected[i]![j] === d));
          if (!agree) mismatches.push(`${g.name}: runs to ${JSON.stringify(shapes)}, checker ${JSON.stringify(expected)}`);
          if (conditional(g.name)) mismatches.push(`${g.name}: runs, though the checker warned its shapes agree only for some sizes`);
          tf.dispose(out);
        } catch (e) {
          if (!conditional(g.name)) mismatches.push(`${g.name}: fails to ${model ? 'run' : 'build'}: ${(e as Error).message}`);
        } finally {
          tf.dispose(xs);
          model?.dispose();
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});

describe('what the checker knows and tfjs does not', () => {
  // Not a fixture: the suites that run every fixture make up each ? on its own, and here it must be 3.
  it('gives a merge\'s size, known from one input, to the layers after it', () => {
    // tfjs makes the add [?, ?]: a dense after it could not be built without the reshape compile puts in.
    const [g] = analyze('model M {\n  input a: [T, 3]\n  input b: [T, ?]\n  add(b, a)\n  dense(4)\n}\n').models;
    expect(g.ok).toBe(true);
    const model = compileModel(g);
    const out = model.predict([tf.ones([2, 11, 3]), tf.ones([2, 11, 3])]) as tf.Tensor;
    expect(out.shape).toEqual([2, 11, 4]);
    const [summary] = [modelSummary(g)];
    addCompiledShapes({ models: [g] } as never, [summary]);
    expect((summary.layers as CompiledLayer[]).find((l) => l.name === 'add_1')!.compiledOutputShape).toEqual([null, 3]);
    tf.dispose(out);
    model.dispose();
  });
});
