/**
 * Every quick fix the fixtures produce does what it says: applied to the file, its line
 * has fewer findings of that kind, and the file no more syntax errors (which would hide
 * the finding, not fix it). Adding a fixture with a fix adds its case here.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze } from '../dsl';
import { fileHost } from '../runtime/files';
import { applyEdits } from './protocol/edits';
import { dlnetFiles } from './support/files';

const root = join(__dirname, 'fixtures');

describe('quick fixes', () => {
  for (const file of dlnetFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const host = fileHost(file);
    const fixed = analyze(text, { host }).diagnostics.filter((d) => d.fixes?.length);
    if (fixed.length === 0) continue;
    it(relative(root, file), () => {
      const failures: string[] = [];
      const before = analyze(text, { host }).diagnostics;
      // Fixes insert no line breaks, so a finding stays on its line: fewer of its kind must be left there.
      const onLine = (ds: typeof before, code: string, line: number) => ds.filter((a) => a.code === code && a.range.start.line === line).length;
      const syntaxErrors = (ds: typeof before) => ds.filter((a) => a.code === 'syntax-error').length;
      for (const d of fixed) {
        for (const fix of d.fixes!) {
          const after = analyze(applyEdits(text, fix.edits), { host }).diagnostics;
          if (onLine(after, d.code, d.range.start.line) >= onLine(before, d.code, d.range.start.line)) {
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
