/** "Fix all" over the dsl alone: passes, overlapping fixes, and the one edit it hands the editor. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, ide, type Diagnostic } from '../dsl';
import { applyEdits } from './protocol/edits';

const check = (text: string) => analyze(text).diagnostics;

describe('fixAll', () => {
  it('applies a fix that the one before uncovers, in a later pass', () => {
    // activation='relu' is first a '=' to fix (its line's other findings wait for that), then a quoted name.
    const text = "model M {\n  input x: [2]\n  dense(1, activation='relu')\n}\n";
    expect(ide.fixAll(text, check)).toEqual({ text: 'model M {\n  input x: [2]\n  dense(1, activation: relu)\n}\n', applied: 2 });
  });

  it('turns a model pasted from PyTorch, and one from Keras\'s functional API, into dlnet that checks', () => {
    const torch = [
      'dataset d = mnist(flat: True)',
      'model Net {',
      '  input x: [784]',
      '  nn.Linear(784, 128)',
      '  nn.ReLU()',
      '  nn.Dropout(p=0.2)',
      '  nn.Linear(128, 10)',
      '  nn.Softmax(dim=-1)',
      '}',
      'train Net on d {',
      '  loss: CrossEntropyLoss',
      '  optimizer: SGD(lr=0.01)',
      '  epochs: 3',
      '}',
      '',
    ].join('\n');
    const fixed = ide.fixAll(torch, check).text;
    expect(fixed).toBe([
      'dataset d = mnist(flat: true)',
      'model Net {',
      '  input x: [784]',
      '  dense(128)',
      '  relu()',
      '  dropout(rate: 0.2)',
      '  dense(10)',
      '  softmax(axis: -1)',
      '}',
      'train Net on d {',
      '  loss: categoricalCrossentropy',
      '  optimizer: sgd(learningRate: 0.01)',
      '  epochs: 3',
      '}',
      '',
    ].join('\n'));
    expect(check(fixed).filter((d) => d.severity === 'error')).toEqual([]);
    const keras = "model M {\n  inputs = Input(shape=(784,))\n  x = Dense(64, activation='relu')(inputs)\n  y = Dense(64)(inputs)\n  Concatenate()([x, y])\n  Dense(10, activation='softmax')\n}\n";
    const functional = ide.fixAll(keras, check).text;
    expect(functional).toBe('model M {\n  input inputs: [784]\n  x = inputs -> dense(64, activation: relu)\n  y = inputs -> dense(64)\n  concat(x, y)\n  dense(10, activation: softmax)\n}\n');
    expect(check(functional).filter((d) => d.severity === 'error')).toEqual([]);
  });

  it('writes PyTorch\'s padding as same where it is (kernel - 1) / 2, and leaves any other count to the writer', () => {
    const torch = 'model M {\n  input x: [28, 28, 1]\n  nn.Conv2d(1, 8, kernel_size=3, stride=2, padding=1)\n  nn.Conv2d(8, 8, 5, padding=2)\n  nn.Conv2d(8, 8, kernel_size=3, padding=2)\n}\n';
    const fixed = ide.fixAll(torch, check).text;
    expect(fixed).toBe('model M {\n  input x: [28, 28, 1]\n  conv2d(8, kernel: 3, strides: 2, padding: same)\n  conv2d(8, 5, padding: same)\n  conv2d(8, kernel: 3, padding: 2)\n}\n');
    // Same gives PyTorch's sizes at any stride: ceil(28 / 2) = 14, as floor((28 + 2 - 3) / 2) + 1.
    expect(analyze(fixed.replace('  conv2d(8, kernel: 3, padding: 2)\n', '')).models[0].layers.map((l) => l.outputShape)).toEqual([[14, 14, 8], [14, 14, 8]]);
  });

  it('names the arguments PyTorch passes by position past those dlnet takes so, in PyTorch\'s order', () => {
    const torch = [
      'dataset d = mnist()',
      'model Net {',
      '  nn.Conv2d(1, 32, 3, 1, 1)',
      '  nn.ReLU(inplace=True)',
      '  nn.MaxPool2d(2, 2)',
      '  nn.Flatten()',
      '  nn.Linear(6272, 10, False)',
      '  F.log_softmax(dim=1)',
      '}',
      'train Net on d { loss: nll_loss }',
      '',
    ].join('\n');
    const fixed = ide.fixAll(torch, check).text;
    // The input comes from the data, on the first statement's line at its indentation (the statement starts after `nn.`).
    expect(fixed).toBe([
      'dataset d = mnist()',
      'model Net {',
      '  input x: [28, 28, 1]',
      '  conv2d(32, 3, strides: 1, padding: same)',
      '  relu()',
      '  maxPool2d(2, strides: 2)',
      '  flatten()',
      '  dense(10, useBias: false)',
      '  softmax(axis: 0)',
      '}',
      'train Net on d { loss: categoricalCrossentropy }',
      '',
    ].join('\n'));
    expect(check(fixed).filter((d) => d.severity !== 'hint')).toEqual([]);
  });

  it('turns a Sequential model pasted from Keras or PyTorch into a model declaration', () => {
    const keras = [
      'model = keras.Sequential([',
      '    layers.Dense(64, activation="relu", input_shape=(784,)),',
      '    layers.Dropout(0.2),',
      '    layers.Dense(10, activation="softmax"),',
      '])',
      '',
    ].join('\n');
    const fromKeras = ide.fixAll(keras, check).text;
    expect(fromKeras).toBe('model Model {\n    input x: [784]\n    dense(64, activation: relu)\n    dropout(0.2)\n    dense(10, activation: softmax)\n}\n');
    expect(check(fromKeras).map((d) => d.code)).toEqual(['unused']);
    // PyTorch's takes its layers as arguments; two on a line stay on it, with a ';'. PyTorch declares no input size.
    const torch = 'net = nn.Sequential(\n    nn.Flatten(),\n    nn.Linear(28 * 28, 128), nn.ReLU(),\n    nn.Linear(128, 10),\n)\n';
    const fromTorch = ide.fixAll(torch, check).text;
    expect(fromTorch).toBe('model Net {\n    flatten()\n    dense(128); relu()\n    dense(10)\n}\n');
    expect(check(fromTorch).filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      'model Net has no input: start its body with `input name: [shape]`',
      'flatten has no input: declare one first, such as `input x: [2]`',
    ]);
    // Built up with model.add(...), a layer a line: the layers move into the body.
    const added = "model = Sequential()\nmodel.add(Dense(64, activation='relu', input_dim=20))\nmodel.add(Dropout(0.5))  # regularise\n\nmodel.add(Dense(10, activation='softmax'))\n";
    expect(ide.fixAll(added, check).text).toBe('model Model {\n  input x: [20]\n  dense(64, activation: relu)\n  dropout(0.5)  # regularise\n  dense(10, activation: softmax)\n}\n');
    // Below a declaration, where the train statement already names it.
    const below = 'dataset d = mnist(flat: true)\n\nnet = nn.Sequential(\n    nn.Linear(784, 128), nn.ReLU(),\n    nn.Linear(128, 10),\n)\n\ntrain Net on d { loss: categoricalCrossentropy }\n';
    // Its input is declared from the dataset that trains it: PyTorch's code never says it.
    expect(ide.fixAll(below, check).text).toBe('dataset d = mnist(flat: true)\n\nmodel Net {\n    input x: [784]\n    dense(128); relu()\n    dense(10)\n}\n\ntrain Net on d { loss: categoricalCrossentropy }\n');
    // On one line: Sequential([a, b]) is `model M { a; b }`.
    expect(ide.fixAll('m = Sequential([Dense(4), Dense(1)])\n', check).text).toBe('model M { dense(4); dense(1) }\n');
  });

  it('turns a model written with Keras\'s functional API at the top of a file into a model declaration', () => {
    const keras = [
      'inputs = keras.Input(shape=(784,))',
      'x = layers.Dense(64, activation="relu")(inputs)',
      'outputs = layers.Dense(10, activation="softmax")(x)',
      'model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")',
      '',
    ].join('\n');
    const fixed = ide.fixAll(keras, check).text;
    expect(fixed).toBe('model MnistModel {\n  input inputs: [784]\n  x = inputs -> dense(64, activation: relu)\n  outputs = x -> dense(10, activation: softmax)\n}\n');
    expect(check(fixed).map((d) => d.code)).toEqual(['unused']);
    // Two outputs, given by position: an output line names them.
    const two = 'a = Input(shape=[4])\nb = a -> dense(2)\nc = a -> dense(3)\nnet = Model(a, [b, c])\n';
    expect(ide.fixAll(two, check).text).toBe('model Net {\n  input a: [4]\n  b = a -> dense(2)\n  c = a -> dense(3)\n  output b, c\n}\n');
  });

  it('leaves a fix that overlaps one taken in the same pass for the next', () => {
    const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } };
    const fix = (newText: string) => ({ title: newText, edits: [{ range: at, newText }], preferred: true });
    const offered = (text: string): Diagnostic[] => (text.startsWith('a')
      ? [{ range: at, severity: 'error', code: 'syntax-error', message: 'a', fixes: [fix('b')] }, { range: at, severity: 'error', code: 'syntax-error', message: 'a', fixes: [fix('c')] }]
      : []);
    expect(ide.fixAll('abc', offered)).toEqual({ text: 'bbc', applied: 1 });
  });

  it('applies only the fixes marked safe, and stops after its passes', () => {
    const at = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
    const asked: Diagnostic[] = [{ range: at, severity: 'error', code: 'syntax-error', message: 'm', fixes: [{ title: 'ask', edits: [{ range: at, newText: 'x' }] }] }];
    expect(ide.fixAll('t', () => asked)).toEqual({ text: 't', applied: 0 });
    const always: Diagnostic[] = [{ ...asked[0], fixes: [{ title: 'grow', edits: [{ range: at, newText: 'x' }], preferred: true }] }];
    expect(ide.fixAll('t', () => always, 3)).toEqual({ text: 'xxxt', applied: 3 });
  });
});

describe('replacementEdit', () => {
  it('is one edit that turns the text into the other, whatever the line breaks', () => {
    const text = fc.array(fc.constantFrom('a', 'b', '\n', '\r', '\r\n', ' '), { maxLength: 20 }).map((cs) => cs.join(''));
    fc.assert(fc.property(text, text, (before, after) => {
      const edit = ide.replacementEdit(before, after);
      if (before === after) expect(edit).toBeUndefined();
      else expect(applyEdits(before, [edit!])).toBe(after);
    }), { numRuns: 3000 });
  });
});
