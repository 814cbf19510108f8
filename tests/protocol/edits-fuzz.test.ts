/**
 * The server's incremental state against a fresh analysis: random edits (line breaks of
 * every kind among them) to the samples and fixtures, sent as the editor sends them, and
 * after each one the published diagnostics and the semantic tokens must be those of
 * analysing the same text from scratch. A twin of each document, with the same text at first, gets line breaks
 * of its own, so the two share pieces of the parse cache and then part.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SemanticTokensRequest, type Diagnostic } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { expect, it } from 'vitest';
import { analyze, clearParseCache, ide } from '../../dsl';
import { fileHost } from '../../runtime/files';
import { tokenTypeOf } from '../../server/features/semanticTokens';
import { dlnetFiles } from '../support/files';
import { serverForTests } from './server';

const server = serverForTests();
const root = join(__dirname, '..', '..');
const corpus = [...dlnetFiles(join(root, 'samples')), ...dlnetFiles(join(root, 'tests', 'fixtures'))]
  .filter((f) => !f.endsWith('too-large.dlnet'))
  .map((f) => readFileSync(f, 'utf8'));
const inserts = ['(', ')', '{', '}', ',', ':', '=', '->', '\n', '\r\n', '\r', ';', '"', 'model', 'residual', 'dense', '#', ' ', 'x', '*', '-', '//'];

/** A fixed sequence, so a failure can be replayed. */
function random(seed: number): (n: number) => number {
  return (n) => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % n;
  };
}

/**
 * This process's analysis, from scratch (the server is another process, with caches of its
 * own): diagnostics, and semantic tokens as line:character:length:type. It reads data files
 * next to the document, as the server does (under /fuzz there are none: a fixture whose
 * dataset reads a table gets "cannot read" from both).
 */
function fresh(uri: string, text: string): { diagnostics: string[]; tokens: string[] } {
  clearParseCache();
  const a = analyze(text, { host: fileHost(fileURLToPath(uri)) });
  const tokens = ide.classify(a).filter((t) => t.range.start.line === t.range.end.line)
    .map((t) => `${t.range.start.line}:${t.range.start.character}:${t.range.end.character - t.range.start.character}:${tokenTypeOf(t.cls)}`);
  return { diagnostics: summary(a.diagnostics), tokens };
}

/** The server's semantic tokens of a document, decoded to line:character:length:type. */
async function tokensOf(uri: string): Promise<string[]> {
  const data = (await server().connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } }))!.data;
  const out: string[] = [];
  let line = 0;
  let character = 0;
  for (let i = 0; i < data.length; i += 5) {
    character = data[i] === 0 ? character + data[i + 1] : data[i + 1];
    line += data[i];
    out.push(`${line}:${character}:${data[i + 2]}:${data[i + 3]}`);
  }
  return out;
}

/** The server's diagnostics and semantic tokens of a document equal a fresh analysis's. */
async function expectFresh(doc: TextDocument, published: Diagnostic[], what: string): Promise<void> {
  const expected = fresh(doc.uri, doc.getText());
  expect(summary(published), what).toEqual(expected.diagnostics);
  expect(await tokensOf(doc.uri), what).toEqual(expected.tokens);
}

const summary = (ds: { code?: unknown; range: { start: { line: number; character: number }; end: { line: number; character: number } }; message: string }[]) =>
  ds.map((d) => `${String(d.code)}@${d.range.start.line}:${d.range.start.character}-${d.range.end.line}:${d.range.end.character} ${d.message}`).sort();

/** Just before a line break (where a \r typed joins a \n into one line break): edits often land at line ends. */
function lineEnd(text: string, rnd: (n: number) => number): number {
  const from = rnd(text.length + 1);
  const at = text.indexOf('\n', from);
  return at < 0 ? text.length : at;
}

/** The edit, sent to the server; the document as the server's own copy must now read. */
async function edit(doc: TextDocument, offset: number, length: number, text: string): Promise<{ doc: TextDocument; published: Diagnostic[] }> {
  const range = { start: doc.positionAt(offset), end: doc.positionAt(offset + length) };
  const next = TextDocument.create(doc.uri, 'dlnet', doc.version + 1, TextDocument.applyEdits(doc, [{ range, newText: text }]));
  return { doc: next, published: await server().change(doc.uri, text, range) };
}

it('publishes after every edit, and highlights, what a fresh analysis of the same text finds', async () => {
  const rnd = random(11);
  let checked = 0;
  for (let n = 0; n < 8; n++) {
    const text = corpus[rnd(corpus.length)];
    let doc = TextDocument.create(`file:///fuzz/${n}.dlnet`, 'dlnet', 1, text);
    let twin = TextDocument.create(`file:///fuzz/twin${n}.dlnet`, 'dlnet', 1, text);
    await server().open(doc.uri, text);
    await server().open(twin.uri, text);
    for (let e = 0; e < 25; e++) {
      const offset = rnd(4) === 0 ? lineEnd(doc.getText(), rnd) : rnd(doc.getText().length + 1);
      const changed = await edit(doc, offset, Math.min(rnd(6), doc.getText().length - offset), inserts[rnd(inserts.length)]);
      doc = changed.doc;
      await expectFresh(doc, changed.published, `${doc.uri} after edit ${e}`);
      checked++;
      if (rnd(3) === 0) {
        const lineBreak = ['\n', '\r\n', '\r'][rnd(3)];
        const moved = await edit(twin, rnd(twin.getText().length + 1), 0, lineBreak);
        twin = moved.doc;
        await expectFresh(twin, moved.published, `${twin.uri} after edit ${e}`);
      }
    }
  }
  expect(checked).toBe(200);
  expect(server().loggedErrors).toEqual([]);
}, 120_000);
