/** A data file fixed on disk re-checks the documents that read it: their text did not change, so nothing else would. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { CodeActionRequest, CompletionRequest, DocumentLinkRequest, type CodeAction } from 'vscode-languageserver-protocol';
import { cursor, TestClient } from './client';

const dir = mkdtempSync(join(tmpdir(), 'dlnet-watch-'));
writeFileSync(join(dir, 'package.json'), '{}');
mkdirSync(join(dir, 'data'));
const table = join(dir, 'data', 'flowers.csv');
const source = `dataset flowers = csv("data/flowers.csv", label: "kind")
model M {
  input x: [2]
  dense(2, activation: softmax)
}
train M on flowers { loss: categoricalCrossentropy }
`;

let client: TestClient;
beforeAll(async () => {
  client = new TestClient();
  await client.initialize(dir, { workspace: { didChangeWatchedFiles: { dynamicRegistration: true } } });
});
afterAll(() => client.dispose());

const watchedGlobs = () => client.registrations
  .filter((r) => r.method === 'workspace/didChangeWatchedFiles')
  .flatMap((r) => (r.registerOptions as { watchers: { globPattern: string }[] }).watchers.map((w) => w.globPattern));

it('watches the data files of open documents and re-checks them when one changes', async () => {
  writeFileSync(table, 'a,b,kind\n1,2,rose\n3,4\n');
  const uri = pathToFileURL(join(dir, 'model.dlnet')).href;
  const before = await client.open(uri, source);
  expect(before.map((d) => d.message)).toContainEqual('dataset flowers: data/flowers.csv:3: has 2 fields, the header has 3');
  await expect.poll(watchedGlobs).toEqual(['**/flowers.csv']);

  writeFileSync(table, 'a,b,kind\n1,2,rose\n3,4,tulip\n');
  const after = client.waitForDiagnostics(uri);
  client.fileChanged(table);
  expect((await after).filter((d) => d.severity === 1)).toEqual([]);

  // A change to a file no open document reads re-checks nothing.
  let published = 0;
  const counting = client.waitForDiagnostics(uri).then(() => published++);
  client.fileChanged(join(dir, 'data', 'other.csv'));
  await new Promise((resolve) => setTimeout(resolve, 300));
  expect(published).toBe(0);
  void counting;

  // The document no longer reads the file: the watcher goes.
  await client.change(uri, source.replace('csv("data/flowers.csv", label: "kind")', 'rings()'));
  await expect.poll(watchedGlobs).toEqual([]);
  expect(client.loggedErrors).toEqual([]);
});

it('asks nothing of a client that cannot register watchers (it re-checks at the next edit)', async () => {
  const plain = new TestClient();
  try {
    await plain.initialize(dir);
    writeFileSync(table, 'a,b,kind\n1,2,rose\n');
    await plain.open(pathToFileURL(join(dir, 'plain.dlnet')).href, source);
    expect(plain.registrations).toEqual([]);
    expect(plain.loggedErrors).toEqual([]);
  } finally {
    await plain.dispose();
  }
});

it('says why a data path names no file, offers the files near that it may mean, and completes paths in the string', async () => {
  writeFileSync(table, 'a,b,kind\n1,2,rose\n');
  writeFileSync(join(dir, 'data', 'notes.md'), 'not a table');
  const uri = pathToFileURL(join(dir, 'missing.dlnet')).href;
  const diagnostics = await client.open(uri, 'dataset flowers = csv("flower.csv", label: "kind")\n');
  const missing = diagnostics.find((d) => d.message.startsWith('dataset flowers: cannot read'))!;
  expect(missing.message).toBe(`dataset flowers: cannot read 'flower.csv': no such file in ${dir}; did you mean 'data/flowers.csv'?`);
  // At the path, not the whole call.
  expect(missing.range).toEqual({ start: { line: 0, character: 22 }, end: { line: 0, character: 34 } });
  const actions = (await client.connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range: missing.range, context: { diagnostics: [missing] } })) as CodeAction[];
  const read = actions.find((a) => a.title === "Read 'data/flowers.csv'")!;
  expect(read.isPreferred).toBe(true);
  expect(read.edit!.changes![uri]).toEqual([{ range: missing.range, newText: '"data/flowers.csv"' }]);

  const complete = async (marked: string) => {
    const { text, position } = cursor(marked);
    await client.change(uri, text);
    const result = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
    return (Array.isArray(result) ? result : result?.items ?? []).map((i) => i.textEdit);
  };
  // The string's text so far is replaced whole (a path's '/' and '.' end no word here), and the string closed.
  expect(await complete('dataset flowers = csv("data/fl|')).toEqual([{ range: { start: { line: 0, character: 23 }, end: { line: 0, character: 30 } }, newText: 'data/flowers.csv"' }]);
  // Closed already, the text after the cursor too: only the path is written. Markdown is no table.
  expect(await complete('dataset flowers = csv("|x.csv", label: "kind")')).toEqual([{ range: { start: { line: 0, character: 23 }, end: { line: 0, character: 28 } }, newText: 'data/flowers.csv' }]);

  // A path that names a file is a link to it; one that names none is not.
  await client.change(uri, 'dataset flowers = csv("data/flowers.csv", label: "kind")\ndataset more = csv(path: "data/none.csv", label: "kind")\ndataset images = idx(images: "data/flowers.csv", labels: "data/notes.md")\n');
  const links = await client.connection.sendRequest(DocumentLinkRequest.type, { textDocument: { uri } });
  expect(links!.map((l) => [l.range.start.line, l.range.start.character, l.target])).toEqual([
    [0, 22, pathToFileURL(table).href],
    [2, 29, pathToFileURL(table).href],
    [2, 57, pathToFileURL(join(dir, 'data', 'notes.md')).href],
  ]);
  expect(client.loggedErrors).toEqual([]);
});
