/**
 * Property tests: random edits and truncations of every sample and fixture never make
 * the parser or checker throw, and always finish quickly.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../dsl';
import { dlnetFiles } from './support/files';

const corpus = [...dlnetFiles(join(__dirname, '..', 'samples')), ...dlnetFiles(join(__dirname, 'fixtures'))].map((f) => readFileSync(f, 'utf8'));
const pieces = ['(', ')', '[', ']', '{', '}', ',', ':', '=', '->', '\n', ';', '?', '"', 'model', 'input', 'residual', 'repeat', 'shortcut', 'train', 'vs', 'on', 'dense', '-1', '0.5', '#', ' ', 'x', '@'];

function checkQuickly(text: string): void {
  const t0 = performance.now();
  const a = analyze(text);
  const ms = performance.now() - t0;
  expect(Array.isArray(a.diagnostics)).toBe(true);
  for (const d of a.diagnostics) {
    expect(d.range.start.line).toBeGreaterThanOrEqual(0);
    expect(d.range.start.character).toBeGreaterThanOrEqual(0);
    expect(d.message.length).toBeGreaterThan(0);
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
});
