/**
 * A file means the same whatever its line breaks: LSP counts \n, \r\n and a lone \r as
 * one, and so must every editor service. Each sample and fixture, rewritten with \r\n and
 * with \r, gets the same answers as with \n: diagnostics, completion, hover, signature
 * help, inlay hints, outline, folding, highlighting, selection ranges.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, ide, LineIndex, offsetAt, splitLines, type Position } from '../dsl';
import { dlnetFiles } from './support/files';

const root = join(__dirname, '..');
const files = [...dlnetFiles(join(root, 'samples')), ...dlnetFiles(join(root, 'tests', 'fixtures'))].filter((f) => !f.endsWith('too-large.dlnet'));

/** Everything the services say about a text, at every third character. */
function answers(text: string): unknown {
  const a = analyze(text);
  const positions: Position[] = [];
  splitLines(text).forEach((line, i) => {
    for (let c = 0; c <= line.length; c += 3) positions.push({ line: i, character: c });
  });
  return {
    diagnostics: a.diagnostics.map((d) => ({ ...d, fixes: d.fixes?.map((f) => ({ ...f, edits: f.edits.map((e) => ({ ...e, newText: e.newText.replace(/\r\n|\r/g, '\n') })) })) })),
    completion: positions.map((p) => ide.complete(a, p).map((c) => c.label)),
    hover: positions.map((p) => ide.hover(a, p)),
    signature: positions.map((p) => ide.signatureHelp(a, p)),
    inlay: ide.inlayHints(a),
    outline: ide.outline(a),
    folding: ide.foldingRanges(a),
    tokens: ide.classify(a),
    selection: ide.selectionRanges(a, positions),
  };
}

describe('line breaks', () => {
  for (const file of files) {
    it(relative(root, file), () => {
      const text = readFileSync(file, 'utf8');
      const expected = answers(text);
      expect(answers(text.replace(/\n/g, '\r\n'))).toEqual(expected);
      const fixTexts = analyze(text.replace(/\n/g, '\r\n')).diagnostics.flatMap((d) => d.fixes ?? []).flatMap((f) => f.edits.map((e) => e.newText));
      expect(fixTexts.filter((t) => /[^\r]\n|^\n/.test(t)), 'fixes add lines with the file\'s line break').toEqual([]);
      expect(answers(text.replace(/\n/g, '\r'))).toEqual(expected);
    });
  }
});

describe('LineIndex', () => {
  it('turns positions into offsets as offsetAt does, and offsets back as an editor does', () => {
    const text = fc.array(fc.constantFrom('a', 'b', '\n', '\r', '\r\n'), { maxLength: 24 }).map((cs) => cs.join(''));
    fc.assert(fc.property(text, fc.nat(8), fc.nat(8), fc.nat(30), (t, line, character, offset) => {
      const lines = new LineIndex(t);
      expect(lines.offset({ line, character })).toBe(offsetAt(t, { line, character }));
      const doc = TextDocument.create('file:///x.dlnet', 'dlnet', 1, t);
      expect(lines.position(Math.min(offset, t.length))).toEqual(doc.positionAt(offset));
    }), { numRuns: 3000 });
  });
});
