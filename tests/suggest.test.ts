/** "Did you mean": the fast path (cached spellings, length pruning) picks what trying every candidate in full picks. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { choiceTables, findChoice, findLayer, layerAlias, layerNames, layers, parameterAlias, type ChoiceTable } from '../dsl/catalog';
import { choiceAliases, fold, layerAliases, parameterAliases } from '../dsl/catalog/aliases';
import { closest, editDistance } from '../dsl/suggest';

/** Every candidate scored in full, first best wins: the rule `closest` must keep. */
function tryEvery(name: string, candidates: string[]): string | undefined {
  const plain = (s: string) => s.replace(/[_-]/g, '').toLowerCase();
  const firsts = (s: string) => (s.match(/^[a-z]|[A-Z]/g) ?? []).join('').toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  let best: string | undefined;
  let bestScore = Infinity;
  for (const c of candidates) {
    if (c === name) continue;
    const exact = plain(c) === plain(name) || (name.length >= 2 && firsts(c) === name.toLowerCase());
    const score = exact ? 0 : editDistance(name.toLowerCase(), c.toLowerCase());
    if (score <= limit && score < bestScore) [best, bestScore] = [c, score];
  }
  return best;
}

describe('closest', () => {
  it('agrees with scoring every candidate in full', () => {
    const word = fc.array(fc.constantFrom('a', 'b', 'e', 'r', 'l', 'u', 'D', 'S', '_', '-'), { minLength: 1, maxLength: 9 }).map((cs) => cs.join(''));
    fc.assert(fc.property(word, fc.array(word, { maxLength: 12 }), (name, candidates) => {
      expect(closest(name, candidates)).toBe(tryEvery(name, candidates));
    }), { numRuns: 5000 });
  });

  it('knows the spellings of other frameworks', () => {
    expect(closest('mse', ['meanAbsoluteError', 'meanSquaredError'])).toBe('meanSquaredError');
    expect(closest('he_normal', ['glorotUniform', 'heNormal'])).toBe('heNormal');
    expect(closest('rleu', ['relu', 'elu', 'selu'])).toBe('relu');
    expect(closest('xyzzy', ['dense', 'conv2d'])).toBeUndefined();
  });
});

describe('other frameworks\' names (catalog/aliases.ts)', () => {
  it('lead only to what exists, and never hide a dlnet name', () => {
    // Layers' parameters, and those of values with parameters (earlyStopping's restoreBest, reduceOnPlateau's minRate).
    const paramNames = new Set([...Object.values(layers), ...Object.values(choiceTables).flat()].flatMap((l) => (l.params ?? []).map((p) => p.name)));
    for (const [alias, targets] of Object.entries(parameterAliases)) {
      expect(alias).toBe(fold(alias));
      // (An alias may be another layer's own parameter, as dim is the capsules': it is only asked for a name the layer lacks.)
      for (const t of targets) expect(paramNames, `${alias} → ${t}`).toContain(t);
    }
    for (const [alias, layer] of Object.entries(layerAliases)) {
      expect(alias).toBe(fold(alias));
      expect(findLayer(layer)).toBeDefined();
      // An alias that folds to a layer's own name would only repeat what spelling finds.
      expect(layerNames.map(fold)).not.toContain(alias);
    }
  });

  it('name values that exist', () => {
    for (const [table, aliases] of Object.entries(choiceAliases)) {
      for (const [alias, name] of Object.entries(aliases!)) {
        expect(alias).toBe(fold(alias));
        expect(findChoice(table as ChoiceTable, name), `${table}: ${alias} → ${name}`).toBeDefined();
      }
    }
  });

  it('pick the parameter the layer has', () => {
    expect(parameterAlias('kernel_size', ['filters', 'kernel'])).toBe('kernel');
    expect(parameterAlias('kernel_size', ['pool', 'strides'])).toBe('pool');
    expect(parameterAlias('kernel_size', ['units'])).toBeUndefined();
    expect(layerAlias('BatchNorm2d')).toBe('batchNorm');
    expect(layerAlias('nn')).toBeUndefined();
  });
});
