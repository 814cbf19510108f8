/** The docs stay true: generated reference up to date, every example checks as its annotations say. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { diagnosticCodes } from '../dsl';
import { END, renderCatalogue, START } from '../scripts/reference';
import { fileHost } from '../runtime/files';
import { checkExpectations } from './support/check-expectations';

const root = join(__dirname, '..');
const examplesHost = fileHost(join(root, 'docs', 'examples', 'example.dlnet'));
const language = readFileSync(join(root, 'docs', 'language.md'), 'utf8');

function examples(markdown: string): { line: number; code: string }[] {
  const out: { line: number; code: string }[] = [];
  const re = /^( *)```dlnet\n([\s\S]*?)^\1```/gm;
  for (let m = re.exec(markdown); m; m = re.exec(markdown)) {
    const indent = m[1].length;
    const code = m[2].split('\n').map((l) => l.slice(indent)).join('\n');
    out.push({ line: markdown.slice(0, m.index).split('\n').length, code });
  }
  return out;
}

describe('docs', () => {
  it('has the generated catalogue reference up to date (npm run docs)', () => {
    const section = language.slice(language.indexOf(START), language.indexOf(END) + END.length);
    expect(section).toBe(renderCatalogue());
  });

  it('documents every diagnostic code with an example', () => {
    for (const code of Object.keys(diagnosticCodes)) {
      const at = language.indexOf(`### ${code}\n`);
      expect(at, code).toBeGreaterThan(0);
      expect(language.slice(at).split('\n### ')[0], code).toContain('```dlnet');
    }
  });

  const sources = [
    ['docs/language.md', language],
    ['README.md', readFileSync(join(root, 'README.md'), 'utf8')],
    ['docs/from-keras-and-pytorch.md', readFileSync(join(root, 'docs', 'from-keras-and-pytorch.md'), 'utf8')],
    ...['language.md', 'architecture.md'].map((f) => join(root, '..', 'shared', 'design', f)).filter(existsSync).map((f) => [f, readFileSync(f, 'utf8')]),
  ];
  for (const [name, markdown] of sources) {
    for (const ex of examples(markdown)) {
      it(`${name}:${ex.line} checks as annotated`, () => {
        // An example that reads a table reads it from docs/examples/.
        expect(checkExpectations(ex.code, examplesHost)).toEqual([]);
      });
    }
  }
});
