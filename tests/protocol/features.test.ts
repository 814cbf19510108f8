/** Hover, inlay hints, signature help, navigation, rename, symbols, folding, selection, semantic tokens, code lens. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CompletionRequest,
  CodeLensRequest, DefinitionRequest, DocumentHighlightRequest, DocumentSymbolRequest, FoldingRangeRequest, HoverRequest,
  InlayHintKind, InlayHintRequest, PrepareRenameRequest, ReferencesRequest, RenameRequest, SelectionRangeRequest, SemanticTokensDeltaRequest,
  SemanticTokensRangeRequest, SemanticTokensRequest, SignatureHelpRequest, WorkspaceSymbolRequest, type DocumentSymbol, type Location,
  type Position, type Range, type SemanticTokens, type SemanticTokensDelta,
} from 'vscode-languageserver-protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cursor, TestClient } from './client';
import { applyEdits } from './edits';

const workspace = mkdtempSync(join(tmpdir(), 'dlnet-ws-'));
writeFileSync(join(workspace, 'other.dlnet'), 'model Elsewhere {\n  input x: [2]\n  dense(1)\n}\n');

const source = `dataset rings = rings(samples: 500)

# The ring classifier.
# Two comment lines fold.
model RingNet {
  input point: [2]
  dense(8, activation: tanh)
  features = dense(2, activation: tanh)
  features -> dense(1, activation: sigmoid)
}

train RingNet on rings {
  loss: binaryCrossentropy
  epochs: 3
}
`;
const uri = 'file:///features/ring.dlnet';
let client: TestClient;
beforeAll(async () => {
  client = new TestClient();
  await client.initialize(workspace);
  expect(await client.open(uri, source)).toEqual([]);
});
afterAll(() => client.dispose());

const at = (line: number, character: number): Position => ({ line, character });

/** Semantic tokens as absolute line:character:length:type, one string each. */
function decodeTokens(data: number[]): string[] {
  const out: string[] = [];
  let line = 0;
  let ch = 0;
  for (let i = 0; i < data.length; i += 5) {
    line += data[i];
    ch = data[i] === 0 ? ch + data[i + 1] : data[i + 1];
    out.push(`${line}:${ch}:${data[i + 2]}:${data[i + 3]}`);
  }
  return out;
}
const doc = { uri };

describe('hover', () => {
  it('shows a layer with its doc, input → output shape, parameter count and parameters in effect', async () => {
    const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: doc, position: at(6, 4) });
    const text = (h!.contents as { value: string }).value;
    expect(text).toContain('**dense**');
    expect(text).toContain('[2] → [8]');
    expect(text).toContain('24 params');
    expect(text).toContain('activation: tanh');
    expect(text).toContain('useBias: true');
  });

  it('shows a block use with the values its parameters take there, worked out', async () => {
    const u = 'file:///features/block-use.dlnet';
    await client.open(u, 'block Wide(units, act = relu, out = units * 2) {\n  dense(units, activation: act)\n  dense(out)\n}\nblock Outer(n) {\n  Wide(n + 1)\n}\nmodel B {\n  input x: [4]\n  Wide(8 // 2, out: 3)\n  Wide(5)\n  Outer(2)\n}\n');
    const hover = async (line: number) => ((await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: at(line, 3) }))!.contents as { value: string }).value;
    expect(await hover(9)).toContain('`units = 8 // 2 = 4` · `act = relu (default)` · `out = 3`');
    expect(await hover(10)).toContain('`units = 5` · `act = relu (default)` · `out = units * 2 = 10 (default)`');
    // Inside a block, what the use is given depends on the block's own use: as written.
    expect(await hover(5)).toContain('`units = n + 1` · `act = relu (default)` · `out = units * 2 (default)`');
  });

  it('shows a tensor name with its shape, an enum value with its meaning', async () => {
    const t = await client.connection.sendRequest(HoverRequest.type, { textDocument: doc, position: at(8, 4) });
    expect((t!.contents as { value: string }).value).toContain('**features**: `[2]`');
    const e = await client.connection.sendRequest(HoverRequest.type, { textDocument: doc, position: at(12, 10) });
    expect((e!.contents as { value: string }).value).toContain('binaryCrossentropy');
  });

  it('shows a CSV dataset with its shapes, its class names and its size, read from the file', async () => {
    writeFileSync(join(workspace, 'pets.csv'), 'weight,height,kind\n4,30,cat\n30,60,dog\n5,25,"cat, small"\n');
    const u = pathToFileURL(join(workspace, 'pets.dlnet')).href;
    await client.open(u, 'dataset pets = csv("pets.csv", label: "kind")\n');
    const h = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: at(0, 10) });
    expect((h!.contents as { value: string }).value).toContain('features [2] · labels [3] (onehot: `cat`, `cat, small`, `dog`) · 3 examples');
    // Numbers are values to predict, or, where all are whole from 0 up, class numbers: the loss says which.
    writeFileSync(join(workspace, 'grades.csv'), 'hours,grade\n2,0\n9,2\n5,1\n');
    const g = pathToFileURL(join(workspace, 'grades.dlnet')).href;
    await client.open(g, 'dataset grades = csv("grades.csv", label: "grade")\n');
    const numbered = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: g }, position: at(0, 10) });
    expect((numbered!.contents as { value: string }).value).toContain('features [1] · labels [1] (regression, or class numbers 0 to 2) · 3 examples');
    // A column of texts is a feature a text.
    writeFileSync(join(workspace, 'people.csv'), 'id,sex,port,survived\n1,male,S,0\n2,female,C,1\n3,female,Q,1\n');
    const p = pathToFileURL(join(workspace, 'people.dlnet')).href;
    await client.open(p, 'dataset people = csv("people.csv", label: "survived", ignore: ["id"])\n');
    const texts = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: p }, position: at(0, 10) });
    expect((texts!.contents as { value: string }).value).toContain('features [5] (texts one-hot: sex 2, port 3) · labels [1]');
    // A column of texts read as token ids: the ids, and the most frequent words first.
    writeFileSync(join(workspace, 'notes.csv'), 'note,mood\n"Good, good day",up\nA bad day,down\n');
    const n = pathToFileURL(join(workspace, 'notes.dlnet')).href;
    await client.open(n, 'dataset notes = csv("notes.csv", label: "mood", text: "note", length: 4)\n');
    const tokens = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: n }, position: at(0, 10) });
    expect((tokens!.contents as { value: string }).value).toContain('features [4] (the last 4 words of note as token ids: 6 ids, 0 padding, 1 a word outside the vocabulary, then day, good, a, bad; half its texts have 3 words or fewer, 95 in 100 have 3 or fewer, the longest 3) · labels [2]');
  });
});

describe('completion of a table\'s columns', () => {
  it('offers the columns of the file a csv source reads for its label, and those left for ignore and features', async () => {
    writeFileSync(join(workspace, 'titanic.csv'), 'PassengerId,Name,Sex,Survived\n1,"Braund, Mr. Owen",male,0\n');
    let opened = 0;
    const items = async (marked: string) => {
      const { text, position } = cursor(marked);
      const u = pathToFileURL(join(workspace, `titanic${++opened}.dlnet`)).href;
      await client.open(u, text);
      const result = await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri: u }, position });
      return (Array.isArray(result) ? result : result?.items ?? []).map((i) => [i.label, i.insertText ?? i.label]);
    };
    expect(await items('dataset d = csv("titanic.csv", label: |)\n')).toEqual([['PassengerId', '"PassengerId"'], ['Name', '"Name"'], ['Sex', '"Sex"'], ['Survived', '"Survived"']]);
    // The column of texts read as token ids, the label left out.
    expect(await items('dataset d = csv("titanic.csv", label: "Survived", text: |)\n')).toEqual([['PassengerId', '"PassengerId"'], ['Name', '"Name"'], ['Sex', '"Sex"']]);
    // A quote typed, and closed by the editor after the cursor: only the name is written.
    expect(await items('dataset d = csv("titanic.csv", label: "Su|")\n')).toContainEqual(['Survived', 'Survived']);
    expect(await items("dataset d = csv(\"titanic.csv\", label: 'Su|\n")).toContainEqual(['Survived', "Survived'"]);
    // The label and the columns already listed are not offered again.
    expect(await items('dataset d = csv("titanic.csv", label: "Survived", ignore: ["Name", |])\n')).toEqual([['PassengerId', '"PassengerId"'], ['Sex', '"Sex"']]);
    expect(await items('dataset d = csv("titanic.csv", label: "Survived", features: [|])\n')).toEqual([['PassengerId', '"PassengerId"'], ['Name', '"Name"'], ['Sex', '"Sex"']]);
  });
});

describe('hover on a model over a symbolic length', () => {
  it('shows what the layers make of the length, and from which length on the model runs', async () => {
    const u = 'file:///features/windows.dlnet';
    await client.open(u, 'model W {\n  input s: [T, 1]\n  conv1d(4, kernel: 3)\n  conv1d(4, kernel: 5)\n  globalAvgPool1d\n}\n');
    const model = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: at(0, 7) });
    expect((model!.contents as { value: string }).value).toContain('· runs with T ≥ 7 ·');
    const layer = await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri: u }, position: at(3, 4) });
    expect((layer!.contents as { value: string }).value).toContain('[T-2, 4] → [T-6, 4]');
  });
});

describe('inlay hints', () => {
  it('shows the output shape after every statement and parameter counts on models', async () => {
    const hints = await client.connection.sendRequest(InlayHintRequest.type, { textDocument: doc, range: { start: at(0, 0), end: at(20, 0) } });
    const labels = hints!.map((h) => `${h.position.line}:${h.label}`);
    expect(labels).toEqual(expect.arrayContaining(['4:45 params', '6:→ [8]', '7:→ [2]', '8:→ [1]']));
  });

  it('names the parameters of arguments passed by position after the first, a block\'s too', async () => {
    const u = 'file:///features/positional.dlnet';
    await client.open(u, 'block Res(filters, stride = 1) {\n  conv2d(filters, 3, strides: stride)\n}\nmodel P {\n  input x: [8, 8, 1]\n  Res(8, 2)\n  add(x, x)\n}\n');
    const hints = await client.connection.sendRequest(InlayHintRequest.type, { textDocument: { uri: u }, range: { start: at(0, 0), end: at(8, 0) } });
    const named = hints!.filter((h) => h.kind === InlayHintKind.Parameter).map((h) => `${h.position.line}:${h.position.character} ${h.label}`);
    // Not the first (filters), nor one written with its name; `Res(8, 2)` gives stride; a merge's tensors get none.
    expect(named).toEqual(['1:18 kernel:', '5:9 stride:']);
    expect(hints!.find((h) => h.kind === InlayHintKind.Parameter)!.paddingRight).toBe(true);
  });
});

describe('signature help', () => {
  it('shows the parameters and the active one', async () => {
    const { text, position } = cursor(source.replace('dense(8, activation: tanh)', 'dense(8, activation: |tanh)'));
    const u = 'file:///features/sig.dlnet';
    await client.open(u, text);
    const s = await client.connection.sendRequest(SignatureHelpRequest.type, { textDocument: { uri: u }, position });
    expect(s!.signatures[0].label).toMatch(/^dense\(units: int, activation: activation = linear/);
    expect(s!.activeParameter).toBe(1);
  });

  it('shows a block\'s parameters with their defaults as written, and the one an argument by position binds to', async () => {
    const { text, position } = cursor('block Res(filters, stride = 1, out = filters * 4) {\n  dense(out)\n}\nmodel R {\n  input x: [4]\n  Res(8, |)\n}\n');
    const u = 'file:///features/sig-block.dlnet';
    await client.open(u, text);
    const s = await client.connection.sendRequest(SignatureHelpRequest.type, { textDocument: { uri: u }, position });
    expect(s!.signatures[0].label).toBe('Res(filters: number, stride: number = 1, out: number = filters * 4)');
    expect(s!.activeParameter).toBe(1);
    // A default that names an activation, an initialiser or true says what the parameter takes.
    const typed = cursor('block Act(units, act = relu, bias = true) {\n  dense(units, activation: act, useBias: bias)\n}\nmodel A {\n  input x: [4]\n  Act(8, |)\n}\n');
    const v = 'file:///features/sig-typed.dlnet';
    await client.open(v, typed.text);
    const t = await client.connection.sendRequest(SignatureHelpRequest.type, { textDocument: { uri: v }, position: typed.position });
    expect(t!.signatures[0].label).toBe('Act(units: number, act: activation = relu, bias: bool = true)');
  });
});

describe('navigation', () => {
  it('goes to the definition of a tensor, a model and a dataset', async () => {
    const def = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: doc, position: at(8, 3) })) as Location;
    expect(def.range.start).toEqual(at(7, 2));
    const model = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: doc, position: at(11, 8) })) as Location;
    expect(model.range.start).toEqual(at(4, 6));
    const data = (await client.connection.sendRequest(DefinitionRequest.type, { textDocument: doc, position: at(11, 18) })) as Location;
    expect(data.range.start).toEqual(at(0, 8));
  });

  it('finds references and highlights', async () => {
    const refs = await client.connection.sendRequest(ReferencesRequest.type, { textDocument: doc, position: at(7, 3), context: { includeDeclaration: true } });
    expect(refs!.map((r) => r.range.start.line)).toEqual([7, 8]);
    const hl = await client.connection.sendRequest(DocumentHighlightRequest.type, { textDocument: doc, position: at(4, 8) });
    expect(hl!.map((h) => h.range.start.line)).toEqual([4, 11]);
  });

  it('renames a model from its train statement, everywhere', async () => {
    const prep = await client.connection.sendRequest(PrepareRenameRequest.type, { textDocument: doc, position: at(11, 8) });
    expect(prep).toMatchObject({ placeholder: 'RingNet' });
    const edit = await client.connection.sendRequest(RenameRequest.type, { textDocument: doc, position: at(11, 8), newName: 'Rings2' });
    const renamed = applyEdits(source, edit!.changes![uri]);
    expect(renamed).toContain('model Rings2 {');
    expect(renamed).toContain('train Rings2 on rings');
    expect(renamed).not.toContain('RingNet');
    const u = 'file:///features/renamed.dlnet';
    expect(await client.open(u, renamed)).toEqual([]);
  });

  it('refuses a rename to a keyword or a taken name', async () => {
    await expect(client.connection.sendRequest(RenameRequest.type, { textDocument: doc, position: at(4, 8), newName: 'model' })).rejects.toThrow(/keyword/);
    await expect(client.connection.sendRequest(RenameRequest.type, { textDocument: doc, position: at(4, 8), newName: 'rings' })).rejects.toThrow(/already used/);
  });
});

describe('symbols and structure', () => {
  it('outlines models with their statements and shapes', async () => {
    const symbols = (await client.connection.sendRequest(DocumentSymbolRequest.type, { textDocument: doc })) as DocumentSymbol[];
    expect(symbols.map((s) => s.name)).toEqual(['rings', 'RingNet', 'train RingNet on rings']);
    const model = symbols[1];
    expect(model.detail).toBe('45 params');
    expect(model.children!.map((c) => `${c.name} ${c.detail}`)).toEqual(['point [2]', 'dense [8]', 'features = dense [2]', 'features -> dense [1]']);
  });

  it('finds workspace symbols in open and unopened files', async () => {
    const found = await client.connection.sendRequest(WorkspaceSymbolRequest.type, { query: 'else' });
    expect(found!.map((s) => s.name)).toContain('Elsewhere');
    expect((found![0] as { location: Location }).location.uri).toBe(pathToFileURL(join(workspace, 'other.dlnet')).href);
  });

  it('folds bodies, settings and comment runs; selection grows outwards', async () => {
    const folds = await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: doc });
    expect(folds!.map((f) => `${f.startLine}-${f.endLine}${f.kind ? ` ${f.kind}` : ''}`)).toEqual(expect.arrayContaining(['4-8', '11-13', '2-3 comment']));
    const sel = await client.connection.sendRequest(SelectionRangeRequest.type, { textDocument: doc, positions: [at(6, 23)] });
    const chain: string[] = [];
    for (let r = sel![0]; r; r = r.parent!) chain.push(`${r.range.start.line}:${r.range.start.character}-${r.range.end.line}:${r.range.end.character}`);
    expect(chain[0]).toBe('6:23-6:27');
    expect(chain[chain.length - 1]).toBe('4:0-9:1');
  });

  it('folds comment runs by the lines positions count, in files with lone \\r line breaks too', async () => {
    const { uri: crUri } = await client.openNew('model M {\r  input x: [2]\r  # one\r  # two\r  # three\r  dense(1)\r}\r');
    const folds = await client.connection.sendRequest(FoldingRangeRequest.type, { textDocument: { uri: crUri } });
    expect(folds!.map((f) => `${f.startLine}-${f.endLine}${f.kind ? ` ${f.kind}` : ''}`)).toEqual(expect.arrayContaining(['2-4 comment']));
  });

  it('classifies layers, tensors, parameters, enum values and numbers', async () => {
    const tokens = await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: doc });
    const decoded = decodeTokens(tokens!.data);
    // dense on line 6 is a function (layer, index 0), 8 a number, tanh an enumMember.
    expect(decoded).toContain('6:2:5:0');
    expect(decoded.some((d) => d.startsWith('6:8:1:'))).toBe(true);
    expect(decoded.length).toBeGreaterThan(15);
  });

  it('sends semantic tokens as edits to the last result, and for a range of lines', async () => {
    const { uri: edited } = await client.openNew(source, 'tokens');
    const first = (await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: edited } }))!;
    expect(first.resultId).toBeDefined();
    await client.change(edited, 'features2', { start: at(6, 2), end: at(6, 10) });
    const delta = (await client.connection.sendRequest(SemanticTokensDeltaRequest.type, { textDocument: { uri: edited }, previousResultId: first.resultId! })) as SemanticTokensDelta;
    expect(delta.edits.length).toBeGreaterThan(0);
    let data = [...first.data];
    for (const e of [...delta.edits].sort((x, y) => y.start - x.start)) data.splice(e.start, e.deleteCount, ...(e.data ?? []));
    const fresh = (await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: edited } }))!;
    expect(data).toEqual(fresh.data);
    expect(delta.edits.reduce((n, e) => n + (e.data?.length ?? 0), 0)).toBeLessThan(fresh.data.length / 4); // a few numbers, not the file
    // A result id the server does not hold gets the whole file.
    const unknown = (await client.connection.sendRequest(SemanticTokensDeltaRequest.type, { textDocument: { uri: edited }, previousResultId: 'nope' })) as SemanticTokens;
    expect(unknown.data).toEqual(fresh.data);
    const range = (await client.connection.sendRequest(SemanticTokensRangeRequest.type, { textDocument: { uri: edited }, range: { start: at(5, 0), end: at(7, 0) } }))!;
    expect(decodeTokens(range.data)).toEqual(decodeTokens(fresh.data).filter((t) => ['5', '6', '7'].includes(t.split(':')[0])));
    expect(range.data.length).toBeGreaterThan(0);
  });

  it('keeps the edits right over a run of edits: new lines, deletions, a new declaration, a rename', async () => {
    const { uri: edited } = await client.openNew(source, 'tokens');
    let held = (await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: edited } }))!;
    const changes: [string, Range][] = [
      ['\n\n', { start: at(0, 0), end: at(0, 0) }],
      ['', { start: at(0, 0), end: at(1, 0) }],
      ['block Extra(n) {\n  dense(n, activation: relu)\n}\n', { start: at(3, 0), end: at(3, 0) }],
      ['Extra(4)\n  ', { start: at(9, 2), end: at(9, 2) }],
      ['Ringy', { start: at(7, 6), end: at(7, 13) }],
      ['', { start: at(0, 0), end: at(4, 0) }],
    ];
    for (const [text, range] of changes) {
      await client.change(edited, text, range);
      const delta = (await client.connection.sendRequest(SemanticTokensDeltaRequest.type, { textDocument: { uri: edited }, previousResultId: held.resultId! })) as SemanticTokensDelta;
      const data = [...held.data];
      for (const e of [...delta.edits].sort((x, y) => y.start - x.start)) data.splice(e.start, e.deleteCount, ...(e.data ?? []));
      const fresh = (await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri: edited } }))!;
      expect(data).toEqual(fresh.data);
      expect(fresh.resultId).not.toBe(delta.resultId);
      held = fresh;
    }
  });

  it('offers Train and Summary code lenses', async () => {
    const lenses = await client.connection.sendRequest(CodeLensRequest.type, { textDocument: doc });
    expect(lenses!.map((l) => l.command!.title)).toEqual(['Summary (45 params)', '▶ Train']);
    expect(lenses![1].command!.arguments).toEqual([uri, 'RingNet', 11]);
  });
});
