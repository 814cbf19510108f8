/** A data file fixed on disk re-checks the documents that read it: their text did not change, so nothing else would. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TestClient } from './client';

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
