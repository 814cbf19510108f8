/**
 * Refactorings keep a correct file correct: on every sample and fixture, in each line-break
 * style, renaming any symbol and extracting any run of whole lines into a block leave the
 * errors and the models (layers and parameter counts) as they were.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, ide, splitLines } from '../dsl';
import { applyEdits } from './protocol/edits';
import { dlnetFiles } from './support/files';

const root = join(__dirname, '..');
// blocks/too-large.dlnet takes most of a second to check (it tests the walk's budget): left out.
const files = [...dlnetFiles(join(root, 'samples')), ...dlnetFiles(join(root, 'tests', 'fixtures'))].filter((f) => !f.endsWith('too-large.dlnet'));
const styles = { lf: '\n', crlf: '\r\n', cr: '\r' };
const errors = (text: string) => analyze(text).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} on line ${d.range.start.line + 1}`);
const models = (text: string) => analyze(text).models.map((m) => `${m.name} ${m.layers.length} layers ${m.totalParams} params`).sort();

describe('refactorings', () => {
  for (const file of files) {
    for (const [style, br] of Object.entries(styles)) {
      const text = readFileSync(file, 'utf8').replace(/\n/g, br);
      const a = analyze(text);
      const before = errors(text);

      it(`rename keeps ${relative(root, file)} (${style}) as it was`, () => {
        // Errors compared by code and line (a "did you mean" may name another symbol now). A rename that resolves a duplicate removes its error: those files are left out.
        if (before.some((e) => e.startsWith('duplicate-name'))) return;
        for (const symbol of a.symbols.symbols) {
          const at = symbol.nameRange.start;
          if (!ide.prepareRename(a, at)) continue;
          const result = ide.rename(a, at, 'Renamed7');
          if (!('edits' in result)) continue;
          const after = errors(applyEdits(text, result.edits));
          expect(after, `renaming ${symbol.kind} ${symbol.name}`).toEqual(before);
        }
      });

      if (before.length > 0) continue;
      it(`extract into block keeps ${relative(root, file)} (${style}) as it was`, () => {
        const lines = splitLines(text);
        const shape = models(text);
        for (let first = 0; first < lines.length; first++) {
          for (let last = first; last < Math.min(lines.length, first + 4); last++) {
            const fix = ide.extractIntoBlock(a, { start: { line: first, character: 0 }, end: { line: last, character: lines[last].length } });
            if (!fix) continue;
            const out = applyEdits(text, fix.edits);
            expect(errors(out), `lines ${first + 1}-${last + 1}`).toEqual([]);
            expect(models(out), `lines ${first + 1}-${last + 1}`).toEqual(shape);
            expect(out.split(br).join(''), 'the file keeps its line breaks').not.toMatch(/[\r\n]/);
          }
        }
      });
    }
  }

  it('extracts statements that share a line with others, and only those', () => {
    const text = 'block Spare() { relu }\nmodel M {\n  input x: [4]\n  a = dense(4); dense(5)\n  a -> dense(1)\n}\n';
    const a = analyze(text);
    const inBlock = ide.extractIntoBlock(a, { start: { line: 0, character: 16 }, end: { line: 0, character: 20 } })!;
    expect(applyEdits(text, inBlock.edits)).toContain('block Extracted() {\n  relu\n}\n\nblock Spare() { Extracted() }\n');
    // `dense(5)` alone would move `a`'s binding too if whole lines were taken.
    const second = ide.extractIntoBlock(a, { start: { line: 3, character: 17 }, end: { line: 3, character: 20 } })!;
    expect(second.title).toBe('Extract 1 statement into block Extracted');
    expect(applyEdits(text, second.edits)).toContain('  a = dense(4); Extracted()\n');
  });
});
