/**
 * Every quick fix the fixtures produce does what it says: applied to the file, its line
 * (moved down by the lines a fix adds above it) has fewer findings of that kind, and the
 * file no more syntax errors (which would hide the finding, not fix it). Adding a fixture
 * with a fix adds its case here.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, type TextEdit } from '../dsl';
import { comparePositions, type Position } from '../dsl/syntax/range';
import { fileHost } from '../runtime/files';
import { applyEdits } from './protocol/edits';
import { dlnetFiles } from './support/files';

const root = join(__dirname, 'fixtures');

/** How many lines the edits add above a position (line breaks inserted minus lines replaced). */
function linesAddedAbove(edits: TextEdit[], at: Position): number {
  let added = 0;
  for (const e of edits) {
    if (comparePositions(e.range.end, at) > 0) continue;
    added += (e.newText.match(/\r\n|\r|\n/g)?.length ?? 0) - (e.range.end.line - e.range.start.line);
  }
  return added;
}

describe('quick fixes', () => {
  for (const file of dlnetFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const host = fileHost(file);
    const fixed = analyze(text, { host }).diagnostics.filter((d) => d.fixes?.length);
    if (fixed.length === 0) continue;
    it(relative(root, file), () => {
      const failures: string[] = [];
      const before = analyze(text, { host }).diagnostics;
      // Fewer findings of its kind must be left on the finding's line, wherever the fix moved it.
      const onLine = (ds: typeof before, code: string, line: number) => ds.filter((a) => a.code === code && a.range.start.line === line).length;
      const syntaxErrors = (ds: typeof before) => ds.filter((a) => a.code === 'syntax-error').length;
      for (const d of fixed) {
        for (const fix of d.fixes!) {
          const after = analyze(applyEdits(text, fix.edits), { host }).diagnostics;
          if (onLine(after, d.code, d.range.start.line + linesAddedAbove(fix.edits, d.range.start)) >= onLine(before, d.code, d.range.start.line)) {
            failures.push(`${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} "${d.message}": "${fix.title}" leaves it`);
          }
          if (syntaxErrors(after) > syntaxErrors(before)) {
            failures.push(`${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} "${d.message}": "${fix.title}" breaks the syntax`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }
});
