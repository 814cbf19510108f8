/**
 * The checker and TensorFlow.js never disagree: every model of every sample and
 * fixture is compiled, and each layer's output shape and parameter count must equal
 * what the checker inferred; then it runs on a batch of two, and its outputs must have
 * the shapes the checker said (a layer can build and still fail when it runs).
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, modelSummary, unbuildable } from '../dsl';
import { CompileError, compileModel } from '../runtime/compile/compile';
import { addCompiledShapes, type CompiledLayer } from '../runtime/compile/summary';
import { tf } from '../runtime/tf';
import { fileHost } from '../runtime/files';
import { dlnetFiles } from './support/files';

const root = join(__dirname, '..');
const files = [...dlnetFiles(join(root, 'samples')), ...dlnetFiles(join(root, 'tests', 'fixtures'))];

describe('checker vs tfjs', () => {
  for (const file of files) {
    const analysis = analyze(readFileSync(file, 'utf8'), { host: fileHost(file) });
    // A model whose weights need a size it leaves unknown cannot be built: compiling it says so (and the train check did).
    const ok = analysis.models.filter((m) => m.ok && !unbuildable(m));
    const open = analysis.models.filter((m) => m.ok && unbuildable(m));
    if (ok.length === 0 && open.length === 0) continue;
    it(relative(root, file), () => {
      for (const g of open) expect(() => compileModel(g)).toThrow(CompileError);
      const models = ok.map(modelSummary);
      addCompiledShapes(analysis, models);
      const mismatches: string[] = [];
      for (const m of models) {
        for (const l of m.layers as CompiledLayer[]) {
          if (!l.compiledOutputShape) continue; // not on a path to an output: tfjs leaves it out
          const inferred = l.outputShape.map((d) => (typeof d === 'number' ? d : null));
          if (JSON.stringify(inferred) !== JSON.stringify(l.compiledOutputShape)) mismatches.push(`${m.name}.${l.name}: shape ${JSON.stringify(inferred)} vs tfjs ${JSON.stringify(l.compiledOutputShape)}`);
          if (l.params !== null && l.params !== l.compiledParams) mismatches.push(`${m.name}.${l.name}: params ${l.params} vs tfjs ${l.compiledParams}`);
        }
      }
      for (const g of ok) {
        // Symbolic and unknown sizes become 3; the checker's output shapes say where they reappear.
        const size = (d: number | string | null) => (typeof d === 'number' ? d : 3);
        // An embedding reads its input as indices: zeros are valid ones whatever the layers before it made.
        const indices = g.layers.some((l) => l.kind === 'embedding');
        const xs = g.inputs.map((i) => (i.dtype === 'int32' || indices ? tf.zeros([2, ...i.shape.map(size)], i.dtype) : tf.randomUniform([2, ...i.shape.map(size)])));
        const model = compileModel(g);
        try {
          const out = model.predict(xs.length === 1 ? xs[0] : xs);
          const shapes = (Array.isArray(out) ? out : [out]).map((t) => t.shape.slice(1));
          const expected = modelSummary(g).outputs.map((o) => o?.map(size));
          if (JSON.stringify(shapes) !== JSON.stringify(expected)) mismatches.push(`${g.name}: runs to ${JSON.stringify(shapes)}, checker ${JSON.stringify(expected)}`);
          tf.dispose(out);
        } catch (e) {
          mismatches.push(`${g.name}: fails to run: ${(e as Error).message}`);
        } finally {
          tf.dispose(xs);
          model.dispose();
        }
      }
      expect(mismatches).toEqual([]);
    });
  }
});
