/** The formatter is idempotent and preserves meaning on every sample and fixture. */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, ide } from '../dsl';
import { lex } from '../dsl/syntax/lexer';
import { dlnetFiles } from './support/files';

const root = join(__dirname, '..');
const files = [...dlnetFiles(join(root, 'samples')), ...dlnetFiles(join(root, 'tests', 'fixtures'))];
const significant = (text: string) => lex(text).tokens.map((t) => t.image).join(' ');

describe('formatter', () => {
  for (const file of files) {
    it(relative(root, file), () => {
      const text = readFileSync(file, 'utf8');
      const once = ide.format(text);
      if (once === undefined) {
        expect(analyze(text).diagnostics.some((d) => d.code === 'syntax-error')).toBe(true);
        return;
      }
      expect(ide.format(once)).toBe(once);
      expect(significant(once)).toBe(significant(text));
      const codes = (t: string) => analyze(t).diagnostics.map((d) => `${d.code}:${d.message}`);
      expect(codes(once).length).toBe(codes(text).length);
    });
  }
});

describe('formatter and line breaks', () => {
  const messy = 'model M{\n      input x :[2]\n\n\n  dense( 1 )\n}\n';
  const tidy = 'model M {\n  input x: [2]\n\n  dense(1)\n}\n';
  for (const br of ['\r\n', '\r']) {
    it(`keeps ${JSON.stringify(br)} line breaks`, () => {
      expect(ide.format(messy.replace(/\n/g, br))).toBe(tidy.replace(/\n/g, br));
      expect(ide.format(tidy.replace(/\n/g, br))).toBe(tidy.replace(/\n/g, br));
    });
    it(`edits the right lines of a file with ${JSON.stringify(br)} line breaks`, () => {
      const edits = ide.formatEdits(messy.replace(/\n/g, br), tidy.replace(/\n/g, br));
      expect(edits).toEqual(ide.formatEdits(messy, tidy));
      expect(edits.map((e) => e.line)).toEqual([0, 1, 2, 4]);
    });
  }
});

describe('formatter and arithmetic', () => {
  it('spaces operators, not a number\'s sign', () => {
    const messy = 'block B(f, out=f*4) {\n  conv2d(f//2+1, kernel: 1)\n  dense((out-1)*2)\n  reshape([-1, 2])\n}\n';
    expect(ide.format(messy)).toBe('block B(f, out = f * 4) {\n  conv2d(f // 2 + 1, kernel: 1)\n  dense((out - 1) * 2)\n  reshape([-1, 2])\n}\n');
  });
});
