/** Formatting and code actions through the real server: edits applied, then the result re-checked. */
import { CodeActionRequest, CompletionRequest, DocumentFormattingRequest, DocumentRangeFormattingRequest, HoverRequest, InlayHintRequest, SignatureHelpRequest, type CodeAction } from 'vscode-languageserver-protocol';
import { describe, expect, it } from 'vitest';
import { serverForTests } from './server';
import { applyEdits } from './edits';

const server = serverForTests();
const open = (text: string) => server().openNew(text, 'editing');

async function actionsAt(uri: string, line: number, character: number, only?: string[]): Promise<CodeAction[]> {
  const range = { start: { line, character }, end: { line, character } };
  return (await server().connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [], only } })) as CodeAction[];
}

describe('formatting', () => {
  const messy = 'dataset   d=xor( samples:40 ,noise :0.1 )\n\n\n\nmodel M{\n      input x :[2]   # the input\n  h=dense( 8,activation:tanh )->dense(1,activation:sigmoid)\n}\ntrain M on d {loss:binaryCrossentropy;epochs:5}\n';
  const tidy = 'dataset d = xor(samples: 40, noise: 0.1)\n\nmodel M {\n  input x: [2]  # the input\n  h = dense(8, activation: tanh) -> dense(1, activation: sigmoid)\n}\ntrain M on d { loss: binaryCrossentropy; epochs: 5 }\n';

  it('formats a document into the canonical style, keeping comments', async () => {
    const { uri } = await open(messy);
    const edits = await server().connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
    expect(applyEdits(messy, edits!)).toBe(tidy);
  });

  it('is idempotent and leaves broken files alone', async () => {
    const { uri } = await open(tidy);
    expect(await server().connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
    const broken = await open('model M {\n  dense(  4\n}\n');
    expect(await server().connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: broken.uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
  });

  it('formats only the lines of a range', async () => {
    const { uri } = await open(messy);
    const edits = await server().connection.sendRequest(DocumentRangeFormattingRequest.type, {
      textDocument: { uri }, range: { start: { line: 6, character: 0 }, end: { line: 6, character: 5 } }, options: { tabSize: 2, insertSpaces: true },
    });
    const out = applyEdits(messy, edits!);
    expect(out.split('\n')[6]).toBe('  h = dense(8, activation: tanh) -> dense(1, activation: sigmoid)');
    expect(out.split('\n')[0]).toBe('dataset   d=xor( samples:40 ,noise :0.1 )');
  });

  it('keeps the line breaks of CRLF and CR files, formatting the lines a range names', async () => {
    for (const br of ['\r\n', '\r']) {
      const text = messy.replace(/\n/g, br);
      const { uri } = await open(text);
      const whole = await server().connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri }, options: { tabSize: 2, insertSpaces: true } });
      expect(applyEdits(text, whole!)).toBe(tidy.replace(/\n/g, br));
      const formatted = await open(tidy.replace(/\n/g, br));
      expect(await server().connection.sendRequest(DocumentFormattingRequest.type, { textDocument: { uri: formatted.uri }, options: { tabSize: 2, insertSpaces: true } })).toEqual([]);
      const edits = await server().connection.sendRequest(DocumentRangeFormattingRequest.type, {
        textDocument: { uri }, range: { start: { line: 6, character: 0 }, end: { line: 6, character: 5 } }, options: { tabSize: 2, insertSpaces: true },
      });
      const out = applyEdits(text, edits!);
      expect(out.split(br)[6]).toBe('  h = dense(8, activation: tanh) -> dense(1, activation: sigmoid)');
      expect(out.split(br)[0]).toBe('dataset   d=xor( samples:40 ,noise :0.1 )');
      expect(out.replaceAll(br, '')).not.toMatch(/[\r\n]/);
    }
  });
});

describe('code actions', () => {
  async function fixAndRecheck(text: string, code: string, title: RegExp) {
    const { uri, diagnostics } = await open(text);
    const d = diagnostics.find((x) => x.code === code)!;
    expect(d, `diagnostic ${code}`).toBeTruthy();
    const actions = await actionsAt(uri, d.range.start.line, d.range.start.character);
    const action = actions.find((x) => title.test(x.title))!;
    expect(action, `action ${title}`).toBeTruthy();
    expect(action.kind).toBe('quickfix');
    const fixed = applyEdits(text, action.edit!.changes![uri]);
    const after = await open(fixed);
    expect(after.diagnostics.filter((x) => x.code === code)).toEqual([]);
    return fixed;
  }

  /** What the server's Fix All (the source.fixAll code action) offers for an open document, and the text it makes. */
  async function fixAllOf(uri: string, text: string): Promise<{ actions: CodeAction[]; fixed: string }> {
    const actions = await actionsAt(uri, 0, 0, ['source.fixAll']);
    return { actions, fixed: applyEdits(text, actions[0].edit!.changes![uri]) };
  }

  it('inserts a reshape before a convolution fed a flat image', async () => {
    const fixed = await fixAndRecheck('model M {\n  input x: [784]\n  conv2d(8, kernel: 3)\n}\n', 'rank-mismatch', /reshape/);
    expect(fixed).toContain('reshape([28, 28, 1]) -> conv2d(8, kernel: 3)');
  });

  it('sets returnSequences on the recurrent layer before', async () => {
    const fixed = await fixAndRecheck('model M {\n  input s: [T, 8]\n  lstm(32)\n  lstm(16)\n}\n', 'rank-mismatch', /returnSequences/);
    expect(fixed).toContain('lstm(32, returnSequences: true)');
  });

  it('adds a projection shortcut to a residual', async () => {
    const fixed = await fixAndRecheck('model M {\n  input x: [8, 8, 4]\n  residual { conv2d(16, kernel: 3, padding: same) }\n}\n', 'shape-mismatch', /projection/);
    expect(fixed).toContain('shortcut { conv2d(16, kernel: 1) }');
  });

  it('switches the initialiser, corrects misspelt names, changes the loss', async () => {
    await fixAndRecheck('model M {\n  input x: [2]\n  dense(4, activation: relu, init: glorotNormal)\n}\n', 'init-activation', /heNormal/);
    await fixAndRecheck('model M {\n  input x: [2]\n  dense(4, activaton: relu)\n}\n', 'unknown-parameter', /activation/);
    await fixAndRecheck('model M {\n  input x: [2]\n  desne(4)\n}\n', 'unknown-layer', /dense/);
    await fixAndRecheck('dataset d = mnist(flat: true)\nmodel M {\n  input x: [784]\n  dense(10, activation: softmax)\n}\ntrain M on d { loss: binaryCrossentropy }\n', 'loss-mismatch', /categoricalCrossentropy/);
  });

  it('serves fixes of several edits whole: a step moved, a Keras functional call, a misspelt keyword', async () => {
    const moved = await fixAndRecheck('model M {\n  input x: [4]\n  dense(1, activation: sigmoid)\n  dropout(0.2)\n}\n', 'dropout-placement', /^Move/);
    expect(moved).toBe('model M {\n  input x: [4]\n  dropout(0.2) -> dense(1, activation: sigmoid)\n}\n');
    const functional = await fixAndRecheck('model M {\n  input a: [4]\n  x = dense(8)(a)\n}\n', 'syntax-error', /a -> dense/);
    expect(functional).toBe('model M {\n  input a: [4]\n  x = a -> dense(8)\n}\n');
    const keyword = await fixAndRecheck('modle M {\n  input x: [4]\n}\n', 'syntax-error', /Write 'model'/);
    expect(keyword).toBe('model M {\n  input x: [4]\n}\n');
  });

  it('fixes all the safe fixes of a file at once, pass after pass, when asked for source.fixAll', async () => {
    const keras = [
      'model M {',
      '  input image: (28, 28, 1)',
      "  conv2d(8, kernel=(3, 3), activation='relu', useBias: True)",
      '  BatchNormalization',
      '  flatten',
      '  Dense(10, activation: "softmax")',
      '}',
      'train M on mnist { loss: "categorical_crossentropy", epochs: 2 }',
      '',
    ].join('\r\n');
    const { uri } = await open(keras);
    // Not among the quick fixes at a position: it checks the file again for every pass.
    expect((await actionsAt(uri, 2, 4)).some((a) => a.kind === 'source.fixAll')).toBe(false);
    const { actions, fixed } = await fixAllOf(uri, keras);
    expect(actions.map((a) => a.kind)).toEqual(['source.fixAll']);
    expect(actions[0].title).toMatch(/^Fix all: \d+ safe fixes$/);
    expect(fixed).toBe([
      'model M {',
      '  input image: [28, 28, 1]',
      '  conv2d(8, kernel: [3, 3], activation: relu, useBias: true)',
      '  batchNorm',
      '  flatten',
      '  dense(10, activation: softmax)',
      '}',
      'dataset mnist = mnist()',
      'train M on mnist { loss: categoricalCrossentropy; epochs: 2 }',
      '',
    ].join('\r\n'));
    const after = await open(fixed);
    expect(after.diagnostics).toEqual([]);
    expect(await actionsAt(after.uri, 0, 0, ['source.fixAll'])).toEqual([]);
  });

  it('writes a Keras model pasted as Python, built up with model.add or with the functional API, as dlnet, in the file\'s line breaks', async () => {
    const pastes = [
      ["model = Sequential()", "model.add(Dense(32, activation='relu', input_dim=784))", "model.add(Dense(10, activation='softmax'))"],
      ['inputs = keras.Input(shape=(784,))', 'x = layers.Dense(32, activation="relu")(inputs)', 'outputs = layers.Dense(10, activation="softmax")(x)', 'model = keras.Model(inputs, outputs)'],
    ];
    const train = 'dataset d = mnist(flat: true)\r\ntrain Model on d { loss: categoricalCrossentropy }\r\n';
    for (const lines of pastes) {
      const text = `${lines.join('\r\n')}\r\n${train}`;
      const { uri } = await open(text);
      const { fixed } = await fixAllOf(uri, text);
      expect(fixed.replace(/\r\n/g, '')).not.toContain('\n');
      const after = await open(fixed);
      expect(after.diagnostics).toEqual([]);
      expect(fixed).toContain('model Model {\r\n  input ');
    }
  });

  it('writes a PyTorch module pasted as a class, with a submodule, as a block and a model that check clean', async () => {
    const torch = [
      'dataset digits = mnist()',
      'class Res(nn.Module):',
      '    def __init__(self, channels):',
      '        super().__init__()',
      '        self.conv = nn.Conv2d(channels, channels, 3, padding=1)',
      '    def forward(self, x):',
      '        return F.relu(self.conv(x) + x)',
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super().__init__()',
      '        self.stem = nn.Conv2d(1, 8, 3, padding=1)',
      '        self.res = Res(8)',
      '        self.fc = nn.Linear(8, 10)',
      '    def forward(self, x):',
      '        x = self.res(F.relu(self.stem(x)))',
      '        x = F.adaptive_avg_pool2d(x, 1).flatten(1)',
      '        return F.softmax(self.fc(x), dim=1)',
      'train Net on digits { loss: categoricalCrossentropy }',
      '',
    ].join('\r\n');
    const { uri, diagnostics } = await open(torch);
    // One error a class, at its line; the train statement is told which line says its model.
    expect(diagnostics.map((d) => [d.range.start.line, d.message.slice(0, 40)])).toEqual([
      [1, '`class Res(nn.Module)` is how PyTorch de'],
      [7, '`class Net(nn.Module)` is how PyTorch de'],
      [17, 'no model named Net yet: line 8 says it i'],
    ]);
    const quick = await actionsAt(uri, 7, 2);
    expect(quick.map((a) => a.title)).toContain('Declare model Net with the layers forward applies');
    const { fixed } = await fixAllOf(uri, torch);
    expect(fixed).toBe([
      'dataset digits = mnist()',
      'block Res(channels) {',
      '  residual {',
      '    conv2d(channels, 3, padding: same)',
      '  }',
      '  relu()',
      '}',
      'model Net {',
      '  input x: [28, 28, 1]',
      '  conv2d(8, 3, padding: same)',
      '  relu()',
      '  Res(8)',
      '  globalAvgPool2d',
      '  flatten()',
      '  dense(10)',
      '  softmax(axis: 0)',
      '}',
      'train Net on digits { loss: categoricalCrossentropy }',
      '',
    ].join('\r\n'));
    expect((await open(fixed)).diagnostics).toEqual([]);
  });

  it('extracts statements into a block', async () => {
    const text = 'model M {\n  input x: [8]\n  dense(8, activation: relu, init: heNormal)\n  dense(8, activation: relu, init: heNormal)\n  dense(1)\n}\n';
    const { uri } = await open(text);
    const range = { start: { line: 2, character: 0 }, end: { line: 3, character: 10 } };
    const actions = (await server().connection.sendRequest(CodeActionRequest.type, { textDocument: { uri }, range, context: { diagnostics: [], only: ['refactor.extract'] } })) as CodeAction[];
    expect(actions.map((a) => a.title)).toEqual(['Extract 2 statements into block Extracted']);
    const out = applyEdits(text, actions[0].edit!.changes![uri]);
    expect(out).toContain('block Extracted() {\n  dense(8, activation: relu, init: heNormal)\n  dense(8, activation: relu, init: heNormal)\n}');
    expect(out).toContain('  Extracted()\n  dense(1)');
    const after = await open(out);
    expect(after.diagnostics.filter((d) => d.severity === 1)).toEqual([]);
  });
});

describe('resilience', () => {
  it('answers every request at every position of a broken file without failing', async () => {
    const text = 'dataset d = rings(\nmodel M {\n  input x: [2\n  dense(4, activation: ) -> \n  residual { relu\n}\ntrain M vs on d {\n  loss: \n';
    const { uri } = await open(text);
    const lines = text.split('\n');
    for (let line = 0; line < lines.length; line++) {
      for (let character = 0; character <= lines[line].length; character += 2) {
        const position = { line, character };
        await server().connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
        await server().connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position });
        await server().connection.sendRequest(SignatureHelpRequest.type, { textDocument: { uri }, position });
      }
    }
    await server().connection.sendRequest(InlayHintRequest.type, { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 9, character: 0 } } });
    expect(server().stderr).toBe('');
    expect(server().loggedErrors).toEqual([]);
  });
});
