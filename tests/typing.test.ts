/**
 * What the editor sees while a line is typed: the samples, each line cut short at every
 * few characters (in the middle of the file, with the lines below still there), and the
 * file cut off there (the line typed last). No declaration may be lost but one whose
 * header has no name yet: a model being typed is still declared and checked, so that the
 * train statements below do not say "no model named" at every keystroke.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseWhole } from '../dsl/syntax/parse';
import { splitLines } from '../dsl';
import { dlnetFiles } from './support/files';

const samples = dlnetFiles(join(__dirname, '..', 'samples')).map((f) => [f.split('/').pop()!, readFileSync(f, 'utf8')] as const);

/** Declarations a text should have: lines that start with a declaration keyword and a name. */
const headers = (text: string) => splitLines(text).filter((l) => /^(dataset|model|block|train)\s+[A-Za-z_]/.test(l)).length;

describe('a line being typed', () => {
  for (const [name, text] of samples) {
    it(`keeps every declaration of ${name}, wherever a line is cut short`, () => {
      const lines = splitLines(text);
      const lost: string[] = [];
      lines.forEach((line, i) => {
        for (let k = 1; k < line.length; k += 3) {
          const cut = [...lines.slice(0, i), line.slice(0, k), ...lines.slice(i + 1)].join('\n');
          if (parseWhole(cut).file.decls.length < headers(cut)) lost.push(`line ${i + 1} cut to ${JSON.stringify(line.slice(0, k))}`);
        }
      });
      expect(lost).toEqual([]);
    });

    it(`keeps every declaration of ${name}, wherever the text ends`, () => {
      const lost: string[] = [];
      for (let i = 1; i < text.length; i += 3) {
        const cut = text.slice(0, i);
        if (parseWhole(cut).file.decls.length < headers(cut)) lost.push(`cut after ${JSON.stringify(cut.slice(-40))}`);
      }
      expect(lost).toEqual([]);
    });
  }
});
