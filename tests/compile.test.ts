/**
 * The checker and TensorFlow.js never disagree: every model of every sample and
 * fixture is compiled, and each layer's output shape and parameter count must equal
 * what the checker inferred.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, modelSummary } from '../dsl';
import { addCompiledShapes, type CompiledLayer } from '../runtime/compile/summary';
import { fileHost } from '../runtime/files';
import { dlnetFiles } from './support/files';

const root = join(__dirname, '..');
const files = [...dlnetFiles(join(root, 'samples')), ...dlnetFiles(join(root, 'tests', 'fixtures'))];

describe('checker vs tfjs', () => {
  for (const file of files) {
    const analysis = analyze(readFileSync(file, 'utf8'), { host: fileHost(file) });
    const ok = analysis.models.filter((m) => m.ok);
    if (ok.length === 0) continue;
    it(relative(root, file), () => {
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
      expect(mismatches).toEqual([]);
    });
  }
});
