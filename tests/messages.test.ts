/** Pins the wording of every message the fixtures produce: a change shows up as a snapshot diff to review. */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, it } from 'vitest';
import { analyze } from '../dsl';
import { fileHost } from '../runtime/files';
import { dlnetFiles } from './support/files';

const root = join(__dirname, 'fixtures');

it('messages of every fixture', () => {
  const all: Record<string, string[]> = {};
  for (const file of dlnetFiles(root)) {
    const { diagnostics } = analyze(readFileSync(file, 'utf8'), { host: fileHost(file) });
    all[relative(root, file)] = diagnostics.map((d) => {
      const at = `${d.range.start.line + 1}:${d.range.start.character + 1}`;
      const fixes = (d.fixes ?? []).map((f) => ` [fix: ${f.title}]`).join('');
      return `${at} ${d.severity}[${d.code}] ${d.message}${fixes}`;
    });
  }
  expect(all).toMatchSnapshot();
});
