/**
 * Incremental analysis: after any sequence of edits, analysing the new text with the
 * caches that the earlier versions left (unchanged declarations' trees and the checks
 * replayed for them) gives exactly what a fresh analysis of that text gives.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as warm from '../dsl';
import { fileHost } from '../runtime/files';
import { parseCacheChars, parsePiece, parseWhole, positionsIn, positionsReachable } from '../dsl/syntax/parse';
import { generateSource } from '../scripts/generate-source';
import { dlnetFiles } from './support/files';

/** A second copy of dsl/ with caches of its own, cleared before every analysis. */
let cold: typeof warm;
beforeAll(async () => {
  vi.resetModules();
  cold = await import('../dsl');
  expect(cold.analyze).not.toBe(warm.analyze);
});

function fresh(text: string): warm.Analysis {
  cold.clearParseCache();
  return cold.analyze(text);
}

/** Everything an analysis tells its readers, as plain data (trees by their ranges, catalogue entries by name). */
function project(a: warm.Analysis): unknown {
  return JSON.parse(JSON.stringify({
    diagnostics: a.diagnostics,
    models: a.models,
    trains: a.trains.map((t) => ({ ...t, decl: t.decl.range })),
    symbols: a.symbols.symbols,
    steps: [...a.steps].map(([step, info]) => [step.range, { ...info, layer: info.layer?.name, block: info.block?.name.text }]),
    statementShapes: [...a.statementShapes].map(([stmt, shape]) => [stmt.range, shape]),
    datasets: [...a.datasets].map(([name, info]) => [name, info.shapes, info.args]),
    dataFiles: a.dataFiles,
    // Each declaration's tokens and foldable ranges are kept with its tree (ide/): they must move with it.
    tokens: warm.ide.classify(a),
    folds: warm.ide.foldingRanges(a),
  }));
}

/** The editor's analyses are of a document: pieces only it has move in place when lines are added above them. */
const asDocument = { document: 'file:///incremental.dlnet' };

function expectSameAsFresh(text: string, options: warm.AnalyzeOptions = asDocument): void {
  expect(project(warm.analyze(text, options))).toEqual(project(fresh(text)));
}

const corpus = [...dlnetFiles(join(__dirname, '..', 'samples')), ...dlnetFiles(join(__dirname, 'fixtures'))].map((f) => readFileSync(f, 'utf8'));
const pieces = ['(', ')', '{', '}', ',', ':', '\n', 'dense', 'block X() {\n  dense(2)\n}\n', '-1', '0', 'x', 'relu'];

type Edit = { kind: 'delete' | 'duplicate' | 'swap'; line: number } | { kind: 'insert'; at: number; text: string };

function apply(text: string, edit: Edit): string {
  if (edit.kind === 'insert') {
    const p = edit.at % (text.length + 1);
    return text.slice(0, p) + edit.text + text.slice(p);
  }
  const lines = text.split('\n');
  const i = edit.line % lines.length;
  if (edit.kind === 'delete') lines.splice(i, 1);
  else if (edit.kind === 'duplicate') lines.splice(i, 0, lines[i]);
  else if (i + 1 < lines.length) [lines[i], lines[i + 1]] = [lines[i + 1], lines[i]];
  return lines.join('\n');
}

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete' as const, 'duplicate' as const, 'swap' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom(...pieces) }),
);

const twoModelsOneBlock = `dataset d = blobs(centers: 3, dims: 4)
block Squash() {
  dense(4)
  reshape([3, 3])
}
model First {
  input x: [4]
  Squash
  flatten
  dense(3, activation: softmax)
}
model Second {
  input x: [4]
  Squash
  flatten
  dense(3, activation: softmax)
}
train First on d { loss: categoricalCrossentropy }
train Second on d { loss: categoricalCrossentropy }
`;

describe('incremental analysis', () => {
  it('matches a fresh analysis after every edit of random edit sequences over the samples and fixtures', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: corpus.length - 1 }), fc.array(edit, { minLength: 1, maxLength: 6 }), (index, edits) => {
        let text = corpus[index];
        warm.analyze(text, asDocument);
        for (const e of edits) {
          text = apply(text, e);
          expectSameAsFresh(text);
        }
      }),
      { numRuns: 150 },
    );
    // ~15 s alone on the 2-core machine; a fixed count of runs, not a speed goal, so room for a busy CI.
  }, 120_000);

  it('re-checks a train statement whose fix declares its dataset above another train statement, when that one goes', () => {
    // Both offer `dataset rings = rings()` above the first train on rings; breaking the first moves the second's fix,
    // though nothing else the second read changes (the broken line joins the piece of the train before it, not the model's).
    const text = 'dataset d2 = rings()\nmodel M {\n  input x: [2]\n  dense(1, activation: sigmoid)\n}\ntrain M on d2 { loss: binaryCrossentropy }\ntrain M on rings { loss: binaryCrossentropy }\ntrain M on rings { epochs: 2; loss: binaryCrossentropy }\n';
    warm.analyze(text, asDocument);
    expectSameAsFresh(text.replace('train M on rings { loss', 't(rain M on rings { loss'));
  });

  it('moves the fix that declares a model\'s input from its data with the model, where its first line starts after a module path', () => {
    // The fix goes at the first line's indentation, a position made from that line: a line typed above the model (below the train statement) moves it.
    const text = 'dataset d = mnist(flat: true)\ntrain Net on d { loss: categoricalCrossentropy }\nmodel Net {\n  nn.Linear(784, 10)\n}\n';
    warm.analyze(text, asDocument);
    expectSameAsFresh(text.replace('model Net', '# a line above\nmodel Net'));
  });

  it('re-checks a model whose block error another model used to report first', () => {
    warm.analyze(twoModelsOneBlock);
    // First no longer uses the block: Second's use is now the one that reports its error.
    const edited = twoModelsOneBlock.replace('model First {\n  input x: [4]\n  Squash\n  flatten\n', 'model First {\n  input x: [4]\n');
    expectSameAsFresh(edited);
    const second = warm.analyze(edited).models.find((g) => g.name === 'Second')!;
    expect(second.ok).toBe(false);
    expect(second.errors[0]?.message).toMatch(/reshape to \[3, 3\] needs 9 elements/);
  });

  it('re-checks the models that use a block when the block changes, is renamed, or a block takes a layer\'s name', () => {
    warm.analyze(twoModelsOneBlock);
    const fixedBlock = twoModelsOneBlock.replace('reshape([3, 3])', 'reshape([2, 2])');
    expectSameAsFresh(fixedBlock);
    expect(warm.analyze(fixedBlock).models.every((g) => g.ok)).toBe(true);
    const renamed = fixedBlock.replace('block Squash()', 'block Squish()');
    expectSameAsFresh(renamed);
    expect(warm.analyze(renamed).diagnostics.filter((d) => d.code === 'unknown-layer').map((d) => d.message)[0]).toMatch(/did you mean 'Squish'/);
    // A new block named like a layer the models call: every call of it now means the block.
    const shadowing = `block flatten() {\n  dense(1)\n}\n${fixedBlock}`;
    expectSameAsFresh(shadowing);
  });

  it('keeps documents apart that share a model\'s text but not its block', () => {
    // The model's tree is shared through the parse cache; its check must not be.
    const model = 'model M {\n  input x: [4]\n  B\n}\n';
    const a = `${model}block B() {\n  dense(2)\n}\n`;
    const b = `${model}block B() {\n  dense(3)\n}\n`;
    for (const text of [a, b, a, b]) {
      expectSameAsFresh(text);
    }
    expect(warm.analyze(a).models[0].layers[0].outputShape).toEqual([2]);
    expect(warm.analyze(b).models[0].layers[0].outputShape).toEqual([3]);
  });

  it('re-checks a train statement when its dataset, its model or the names it could mean change', () => {
    const fixedBlock = twoModelsOneBlock.replace('reshape([3, 3])', 'reshape([2, 2])');
    warm.analyze(fixedBlock);
    // The dataset's features no longer fit the models' inputs.
    const wider = fixedBlock.replace('dims: 4', 'dims: 5');
    expectSameAsFresh(wider);
    expect(warm.analyze(wider).diagnostics.filter((d) => d.code === 'data-mismatch')).toHaveLength(2);
    // The model's output no longer fits the labels.
    const fewer = fixedBlock.replace('model Second {\n  input x: [4]\n  Squash\n  flatten\n  dense(3', 'model Second {\n  input x: [4]\n  Squash\n  flatten\n  dense(2');
    expectSameAsFresh(fewer);
    // A train statement naming a model that is declared only later in the edit.
    const orphan = `${fixedBlock}train Third on d { loss: categoricalCrossentropy }\n`;
    expect(warm.analyze(orphan).diagnostics.some((d) => d.code === 'unknown-name' && /Third/.test(d.message))).toBe(true);
    const adopted = `${orphan}model Third {\n  input x: [4]\n  dense(3, activation: softmax)\n}\n`;
    expectSameAsFresh(adopted);
    expect(warm.analyze(adopted).trains.find((t) => t.model === 'Third')?.ok).toBe(true);
  });

  it('re-checks a train statement when the data file it reads changes, its text unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dlnet-incremental-'));
    try {
      const file = join(dir, 'net.dlnet');
      const text = 'dataset d = csv("d.csv", label: "y")\nmodel M {\n  input x: [2]\n  dense(1)\n}\ntrain M on d { loss: meanSquaredError }\n';
      writeFileSync(join(dir, 'd.csv'), 'a,b,y\n1,2,3\n');
      expect(warm.analyze(text, { host: fileHost(file) }).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
      writeFileSync(join(dir, 'd.csv'), 'a,b,c,y\n1,2,3,4\n'); // three features now, and another size (the stamp)
      const after = warm.analyze(text, { host: fileHost(file) });
      expect(after.diagnostics.map((d) => d.code)).toContain('data-mismatch');
      expect(project(after)).toEqual(project((cold.clearParseCache(), cold.analyze(text, { host: fileHost(file) }))));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('re-words a "did you mean" when a block that fits the misspelling is declared', () => {
    const typo = twoModelsOneBlock.replace('model Second {\n  input x: [4]\n  Squash', 'model Second {\n  input x: [4]\n  Wobble');
    expect(warm.analyze(typo).diagnostics.find((d) => d.code === 'unknown-layer')?.message).not.toMatch(/Wobbly/);
    const declared = `${typo}block Wobbly() {\n  dense(4)\n}\n`;
    expectSameAsFresh(declared);
    expect(warm.analyze(declared).diagnostics.find((d) => d.code === 'unknown-layer')?.message).toMatch(/did you mean 'Wobbly'/);
  });
});

describe('lines added or removed above a declaration', () => {
  const uses = `dataset d = blobs(centers: 3, dims: 4)
block Squeeze() {
  dense(4)
  reshape([3, 3])
}
model M {
  input x: [4]
  Squeeze
}
model U {
  input x: [4]
  later
  later = dense(3)
}
model R {
  input x: [10, 4]
  lstm(8)
  lstm(4)
}
train M on d { loss: categoricalCrossentropy }
`;

  it('keeps the trees and checks of the declarations below, at their new lines, when only this document has them', () => {
    const document = { document: 'file:///moves.dlnet' };
    const before = warm.parse(uses, document.document).file.decls;
    for (const text of [`# a comment\n${uses}`, `# a comment\n\n\n${uses}`, uses, uses.replace('block Squeeze', '\nblock Squeeze')]) {
      const after = warm.parse(text, document.document);
      expect(JSON.parse(JSON.stringify(after))).toEqual(JSON.parse(JSON.stringify(parseWhole(text))));
      expectSameAsFresh(text, document);
    }
    // Moved back and forth, yet the same objects: their remembered checks replay. (The
    // dataset's piece now ends with the new line: it is parsed again.)
    const decls = warm.parse(uses.replace('block Squeeze', '\nblock Squeeze'), document.document).file.decls;
    expect(decls.map((d, i) => d === before[i])).toEqual([false, true, true, true, true, true]);
  });

  it('words the lines anew in messages and fixes of a declaration that moved', () => {
    const document = { document: 'file:///messages.dlnet' };
    const first = warm.analyze(uses, document);
    const moved = `\n\n${uses}`;
    const after = warm.analyze(moved, document);
    expectSameAsFresh(moved, document);
    // The block's error names the line of its use, the model's the line of the binding, the fix a position after lstm's arguments.
    const related = (a: warm.Analysis) => a.diagnostics.flatMap((d) => d.related ?? []).map((r) => r.message).find((m) => /used in M/.test(m));
    expect(related(first)).toMatch(/on line 8 /);
    expect(related(after)).toMatch(/on line 10 /);
    const bound = (a: warm.Analysis) => a.diagnostics.find((d) => d.code === 'used-before-bound')?.message;
    expect(bound(first)).toMatch(/line 13$/);
    expect(bound(after)).toMatch(/line 15$/);
    const fix = (a: warm.Analysis) => a.diagnostics.flatMap((d) => d.fixes ?? []).find((f) => /returnSequences/.test(f.title))?.edits[0].range.start;
    expect(fix(first)).toEqual({ line: 16, character: 8 });
    expect(fix(after)).toEqual({ line: 18, character: 8 });
  });

  it('moves the whole-line fix of a repeated setting with its train statement, whose check replays', () => {
    const document = { document: 'file:///setting-fix.dlnet' };
    // No model M: the check names no line (as a fit's "(line N)" would), so it is replayed, not run again, after the move.
    const text = 'dataset d = rings()\ntrain M on d {\n  loss: binaryCrossentropy\n  loss: binaryCrossentropy\n}\n';
    const removal = (a: warm.Analysis) => a.diagnostics.find((d) => d.code === 'invalid-setting')?.fixes?.[0].edits[0].range;
    expect(removal(warm.analyze(text, document))).toEqual({ start: { line: 3, character: 0 }, end: { line: 4, character: 0 } });
    const moved = `# a line above\n${text}`;
    expect(removal(warm.analyze(moved, document))).toEqual({ start: { line: 4, character: 0 }, end: { line: 5, character: 0 } });
    expectSameAsFresh(moved, document);
  });

  it('moves a declaration with a list of 300,000 items', () => {
    const huge = `model Big {\n  input x: [2]\n  reshape([${Array(300_000).fill('1').join(', ')}])\n}\n`;
    const document = 'file:///huge.dlnet';
    const before = warm.parse(huge, document).file.decls[0];
    const after = warm.parse(`\n${huge}`, document).file.decls[0];
    expect(after).toBe(before);
    expect(after.range.start.line).toBe(1);
  });

  it('leaves alone the trees another document or a parse without a document has too', () => {
    const a = { document: 'file:///a.dlnet' };
    const b = { document: 'file:///b.dlnet' };
    const heldByB = warm.analyze(uses, b);
    const snapshot = JSON.stringify(heldByB.file);
    warm.analyze(uses, a); // the same pieces at the same lines: shared
    expectSameAsFresh(`\n${uses}`, a);
    expect(JSON.stringify(heldByB.file)).toBe(snapshot);
    const text = `# alone\n${uses}`;
    const held = warm.analyze(text);
    const heldSnapshot = JSON.stringify(held.file);
    expectSameAsFresh(`\n${text}`, a);
    expect(JSON.stringify(held.file)).toBe(heldSnapshot);
  });
});

describe('parsing by pieces', () => {
  const lineBreaks = ['\n', '\r\n', '\r'];
  it('gives the same trees and errors as parsing the whole text at once, whatever the line breaks', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: corpus.length - 1 }), fc.array(edit, { maxLength: 6 }), fc.constantFrom(...lineBreaks), (index, edits, lineBreak) => {
        let text = corpus[index];
        for (const e of edits) text = apply(text, e);
        text = text.replace(/\n/g, lineBreak);
        expect(JSON.parse(JSON.stringify(warm.parse(text)))).toEqual(JSON.parse(JSON.stringify(parseWhole(text))));
      }),
      { numRuns: 300 },
    );
  });

  it('ends a Keras model method left open at the next line that starts a declaration, where the pieces are cut', () => {
    for (const text of [
      "model.compile(loss='mse',\nmodel.fit(x, y, epochs=5)\n    optimizer='adam')\n",
      "model.compile(loss='mse\nmodel M {\n  input x: [2]\n}\n)\n",
      'model.fit(x,  # (\r\ntrain M on d\r\n)\r\n',
    ]) {
      warm.clearParseCache();
      expect(JSON.parse(JSON.stringify(warm.parse(text)))).toEqual(JSON.parse(JSON.stringify(parseWhole(text))));
    }
  });

  it('knows every position in a piece without errors from its parser\'s ranges, so a moved piece shifts them all', () => {
    let checked = 0;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: corpus.length - 1 }), fc.array(edit, { maxLength: 4 }), (index, edits) => {
        let text = corpus[index];
        for (const e of edits) text = apply(text, e);
        const piece = parsePiece(text, { offset: 0, line: 0 }, text.length);
        const listed = positionsIn(piece);
        // Each once: a position shifted twice would land on the wrong line.
        expect(new Set(listed).size).toBe(listed.length);
        const reachable = new Set(positionsReachable(piece));
        // All of them; the list may hold more (ranges of tokens the tree keeps none of), which nobody holds.
        const inList = new Set(listed);
        expect([...reachable].filter((p) => !inList.has(p))).toEqual([]);
        if (piece.syntaxErrors.length === 0) checked++;
      }),
      { numRuns: 150 },
    );
    expect(checked).toBeGreaterThan(20);
  });

  it('cuts at declarations that start a line, and only there', () => {
    const text = 'model A {\n  input x: [2]\n  dense(2)\n} model B {\n  input y: [2]\n}\n  block C() {\n  dense(1)\n}\n# model D\ntrain A on d\n';
    expect(JSON.parse(JSON.stringify(warm.parse(text)))).toEqual(JSON.parse(JSON.stringify(parseWhole(text))));
    expect(warm.parse(text).file.decls.map((d) => d.kind)).toEqual(['model', 'model', 'block', 'train']);
  });

  it('re-parses only the declaration an edit touches: the others keep their trees', () => {
    const before = warm.parse(twoModelsOneBlock).file.decls;
    const after = warm.parse(twoModelsOneBlock.replace('model Second {\n  input x: [4]', 'model Second {\n  input x: [5]')).file.decls;
    expect(after.map((d, i) => d === before[i])).toEqual([true, true, true, false, true, true]);
  });
});

describe('the parse cache', () => {
  it('lets old versions go once it holds 2 million characters, but never the pieces of the text being parsed', () => {
    const text = generateSource(20_000); // ~600k characters
    let shifted = text;
    for (let i = 0; i < 5; i++) {
      shifted = `\n${shifted}`; // every line moves: every piece is new
      warm.parse(shifted);
      expect(parseCacheChars()).toBeLessThanOrEqual(2_000_000);
    }
    const again = warm.parse(shifted).file.decls;
    expect(warm.parse(shifted).file.decls.every((d, i) => d === again[i])).toBe(true);
  });

  it('weighs a declaration by its remembered checks too, so that versions of one that expands to thousands of layers do not pile up', () => {
    // Each block uses the one before twice: 1,024 dense layers from 11 short blocks.
    const blocks = Array.from({ length: 10 }, (_, i) => `block L${i + 1}() {\n  L${i}\n  L${i}\n}\n`).join('');
    const version = (units: number) => `block L0() {\n  dense(${units})\n}\n${blocks}model Deep {\n  input x: [4]\n  L10\n}\n`;
    warm.clearParseCache();
    warm.analyze(version(1));
    expect(parseCacheChars()).toBeGreaterThan(100 * version(1).length);
    const one = parseCacheChars();
    for (let units = 2; units <= 60; units++) {
      warm.analyze(version(units));
      expect(parseCacheChars()).toBeLessThanOrEqual(2_000_000 + one * 1.1);
    }
    // The one in use keeps its checks: an edit elsewhere replays them.
    const last = warm.analyze(version(60));
    expect(last.models[0].layers).toHaveLength(1024);
  });
});
