/**
 * Property tests: random edits and truncations of every sample and fixture never make
 * the parser or checker throw, always finish quickly, and give messages in the user's words.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../dsl';
import { parserInstance } from '../dsl/syntax/parser';
import { dlnetFiles } from './support/files';

/** A message that names a grammar rule ("expected chainStmt") or leaks chevrotain's recording stand-in speaks the parser's language, not the user's. */
const ruleNames = Object.keys(parserInstance().getGAstProductions());
const parserWords = new RegExp(`expected (${ruleNames.join('|')})\\b|Recording Phase`);

const corpus = [...dlnetFiles(join(__dirname, '..', 'samples')), ...dlnetFiles(join(__dirname, 'fixtures'))].map((f) => readFileSync(f, 'utf8'));
const pieces = ['(', ')', '[', ']', '{', '}', ',', ':', '=', '->', '\n', ';', '?', '"', 'model', 'input', 'residual', 'repeat', 'shortcut', 'train', 'vs', 'on', 'dense', '-1', '0.5', '#', ' ', 'x', '@'];

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
  }
  expect(ms).toBeLessThan(2000); // generous: only catches runaway work, not speed (see bench:check)
}

describe('robustness', () => {
  it('survives truncation at every position of a sample', () => {
    const text = corpus[0];
    for (let i = 0; i <= text.length; i++) checkQuickly(text.slice(0, i));
  });

  it('survives random insertions, deletions and replacements', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: corpus.length - 1 }),
        fc.array(fc.tuple(fc.nat(), fc.nat({ max: 12 }), fc.constantFrom(...pieces)), { minLength: 1, maxLength: 8 }),
        (index, edits) => {
          let text = corpus[index];
          for (const [at, del, insert] of edits) {
            const p = at % (text.length + 1);
            text = text.slice(0, p) + insert + text.slice(p + del);
          }
          checkQuickly(text);
        },
      ),
      { numRuns: 1000 },
    );
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
