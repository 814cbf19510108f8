/**
 * Property tests: random edits and truncations of every sample and fixture never make
 * the parser or checker throw, always finish quickly, and give messages in the user's words;
 * every editor service answers on such text, with every range it hands out in the text.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, ide, splitLines, type Range } from '../dsl';
import { parserInstance } from '../dsl/syntax/parser';
import { dlnetFiles } from './support/files';

/** A message that names a grammar rule ("expected chainStmt") or leaks chevrotain's recording stand-in speaks the parser's language, not the user's. */
const ruleNames = Object.keys(parserInstance().getGAstProductions());
const parserWords = new RegExp(`expected (${ruleNames.join('|')})\\b|Recording Phase`);

const corpus = [...dlnetFiles(join(__dirname, '..', 'samples')), ...dlnetFiles(join(__dirname, 'fixtures'))].map((f) => readFileSync(f, 'utf8'));
const pieces = ['(', ')', '[', ']', '{', '}', ',', ':', '=', '->', '\n', ';', '?', '"', 'model', 'input', 'residual', 'repeat', 'shortcut', 'train', 'vs', 'on', 'dense', '-1', '0.5', '#', ' ', 'x', '@', '*', '-', '//', '/', '+'];

/** Random edits: at a position (taken modulo the text's length), delete up to 12 characters and insert a piece. */
const editsArbitrary = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 8 });

function edited(text: string, edits: [number, number, string][]): string {
  for (const [at, del, insert] of edits) {
    const p = at % (text.length + 1);
    text = text.slice(0, p) + insert + text.slice(p + del);
  }
  return text;
}

/** Every range in an answer, however deep (outline children, rename edits, completion edits). */
function rangesIn(value: unknown, out: Range[] = []): Range[] {
  if (typeof value !== 'object' || value === null) return out;
  const r = value as Range;
  if (typeof r.start?.line === 'number' && typeof r.end?.line === 'number') out.push(r);
  for (const v of Object.values(value)) rangesIn(v, out);
  return out;
}

/** The range lies in the text (lines counted as the editor counts them), start before end. */
function inText(r: Range, lines: string[]): boolean {
  const ok = (p: Range['start']) => Number.isInteger(p.line) && Number.isInteger(p.character) && p.line >= 0 && p.line < lines.length && p.character >= 0 && p.character <= lines[p.line].length;
  return ok(r.start) && ok(r.end) && (r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character));
}

function checkQuickly(text: string): void {
  const t0 = performance.now();
  const a = analyze(text);
  const ms = performance.now() - t0;
  expect(Array.isArray(a.diagnostics)).toBe(true);
  const lines = text.split(/\r\n|\r|\n/).length;
  for (const d of a.diagnostics) {
    // Every range an editor is handed (the finding's, related places', a fix's edits) lies in the text, start before end.
    const ranges = [d.range, ...(d.related ?? []).map((r) => r.range), ...(d.fixes ?? []).flatMap((f) => f.edits.map((e) => e.range))];
    for (const r of ranges) {
      const where = `${d.message}: ${JSON.stringify(r)}`;
      for (const p of [r.start, r.end]) {
        expect(Number.isInteger(p.line) && p.line >= 0 && p.line < lines, where).toBe(true);
        expect(Number.isInteger(p.character) && p.character >= 0, where).toBe(true);
      }
      expect(r.start.line < r.end.line || (r.start.line === r.end.line && r.start.character <= r.end.character), where).toBe(true);
    }
    expect(d.message.length).toBeGreaterThan(0);
    expect(d.message).not.toMatch(parserWords);
    // A closer handed to the parser for a declaration left open, and not read: the parser's echo, not the user's mistake.
    expect(d.message).not.toMatch(/^expected the end of the declaration but found the end of the declaration/);
  }
  // Generous: only catches runaway work, not speed (see bench:check). blocks/too-large.dlnet, edited, takes 3.6 s cold here, on a busy CI runner more.
  expect(ms).toBeLessThan(8000);
}

describe('robustness', () => {
  it('survives truncation at every position of a sample', () => {
    const text = corpus[0];
    for (let i = 0; i <= text.length; i++) checkQuickly(text.slice(0, i));
  });

  it('survives random insertions, deletions and replacements', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: corpus.length - 1 }), editsArbitrary, (index, edits) => checkQuickly(edited(corpus[index], edits))),
      { numRuns: 1000 },
    );
  });

  it('answers every editor request on randomly edited text, with ranges in the text', () => {
    // blocks/too-large.dlnet expands to 20,000 layers: its inlay hints alone take a while.
    const editable = corpus.filter((text) => !text.includes('past 20,000 layer and block uses'));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: editable.length - 1 }), editsArbitrary, fc.array(fc.tuple(fc.nat(), fc.nat()), { minLength: 4, maxLength: 4 }),
        (index, edits, spots) => {
          const text = edited(editable[index], edits);
          const a = analyze(text);
          const lines = splitLines(text);
          const positions = spots.map(([l, c]) => ({ line: l % lines.length, character: c % (lines[l % lines.length].length + 1) }));
          const answers = [
            ide.inlayHints(a), ide.outline(a), ide.foldingRanges(a), ide.classify(a), ide.selectionRanges(a, positions),
            ...positions.flatMap((p) => [
              ide.complete(a, p), ide.hover(a, p), ide.signatureHelp(a, p), ide.prepareRename(a, p), ide.rename(a, p, 'renamed'),
              ide.extractIntoBlock(a, { start: positions[0], end: p }),
            ]),
          ];
          const outside = rangesIn(answers).filter((r) => !inText(r, lines));
          expect(outside).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('survives random edits of PyTorch modules and whole scripts pasted, with Python\'s own pieces', () => {
    const scripts = ['keras-mnist-convnet.py', 'keras-functional-mnist.py', 'pytorch-mnist.py', 'pytorch-tutorial-feedforward.py', 'tensorflow-quickstart.py', 'pytorch-cifar10-tutorial.py'].map((name) => readFileSync(join(__dirname, 'python', name), 'utf8'));
    const modules = [...corpus.filter((text) => text.includes('(nn.Module)')), readFileSync(join(__dirname, '..', 'docs', 'from-keras-and-pytorch.md'), 'utf8'), ...scripts];
    const python = ['self.', 'def ', 'class A(nn.Module):\n', 'return ', '    ', '"""', "'", 'x, _ = ', '[:, -1, :]', '.view(-1, 4)', 'torch.cat([', ' + ', '+=', '\\\n',
      'import ', 'if __name__ == "__main__":\n', '.fit(', '.parameters()', 'range(', 'args.', ' = 10\n', 'default=', ...pieces];
    const pythonEdits = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom(...python)), { minLength: 1, maxLength: 8 });
    fc.assert(fc.property(fc.integer({ min: 0, max: modules.length - 1 }), pythonEdits, (index, edits) => checkQuickly(edited(modules[index], edits))), { numRuns: 500 });
    // A class with nothing but its docstring, which such edits made: said to have no forward.
    expect(analyze('class A(nn.Module):\n    """A block."""\n').diagnostics[0].message).toMatch(/the class has no forward \(or call\) method/);
  });

  it('survives arbitrary text', () => {
    fc.assert(fc.property(fc.string({ maxLength: 400 }), (s) => checkQuickly(s)), { numRuns: 300 });
    fc.assert(fc.property(fc.array(fc.constantFrom(...pieces), { maxLength: 120 }), (ps) => checkQuickly(ps.join(''))), { numRuns: 300 });
  });

  it('survives deep nesting', () => {
    checkQuickly(`model M {\n  input x: [4]\n  ${'residual { '.repeat(200)}dense(4)${' }'.repeat(200)}\n}`);
    checkQuickly(`dataset d = ${'f('.repeat(500)}${')'.repeat(500)}`);
    checkQuickly(`model M {\n  input x: [2]\n  dense(${'['.repeat(300)}\n}`);
  });

  it('says how deep brackets nest when they nest deeper than the parser can follow', () => {
    const deep = `model M {\n  input x: [4]\n  ${'residual { '.repeat(5000)}dense(4)${' }'.repeat(5000)}\n}\ntrain M on d { loss: mse }\n`;
    const syntax = analyze(deep).diagnostics.filter((d) => d.code === 'syntax-error');
    expect(syntax).toEqual([expect.objectContaining({
      message: 'this declaration nests brackets 5,002 levels deep, more than the parser can follow; no network needs that many (`repeat N { }` writes a deep stack)',
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 5 } },
    })]);
  });
});

describe('input that is not dlnet text', () => {
  it('says once that a binary file is binary, at its first NUL, instead of an error per byte', () => {
    const bytes = readFileSync(process.execPath).subarray(0, 4096).toString('utf8');
    const { diagnostics } = analyze(bytes);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0].message).toMatch(/binary data/);
    const nul = bytes.indexOf('\0');
    expect(diagnostics[0].range.start).toEqual({ line: bytes.slice(0, nul).split(/\r\n|\r|\n/).length - 1, character: nul - bytes.lastIndexOf('\n', nul) - 1 });
  });

  it('reports a run of stray characters as one error, control characters shown as their pictures', () => {
    const { diagnostics } = analyze('model M {\n  input x: [2]\n  dense(2) \x01\x1b@\n}\n');
    const stray = diagnostics.filter((d) => d.code === 'syntax-error');
    expect(stray.map((d) => d.message)).toEqual(["unexpected characters '␁␛@'"]);
    expect(stray[0].range).toEqual({ start: { line: 2, character: 11 }, end: { line: 2, character: 14 } });
  });
});
