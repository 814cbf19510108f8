/**
 * Every quick fix the fixtures produce does what it says: applied to the file, its line
 * (moved down by the lines a fix adds above it) has fewer findings of that kind, and the
 * file no more syntax errors (which would hide the finding, not fix it). Adding a fixture
 * with a fix adds its case here.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { analyze, ide, type TextEdit } from '../dsl';
import { comparePositions, type Position } from '../dsl/syntax/range';
import { fileHost } from '../runtime/files';
import { applyEdits } from './protocol/edits';
import { dlnetFiles } from './support/files';

const root = join(__dirname, 'fixtures');

/** How many lines the edits add above a position (line breaks inserted minus lines replaced). */
function linesAddedAbove(edits: TextEdit[], at: Position): number {
  let added = 0;
  for (const e of edits) {
    if (comparePositions(e.range.end, at) > 0) continue;
    added += (e.newText.match(/\r\n|\r|\n/g)?.length ?? 0) - (e.range.end.line - e.range.start.line);
  }
  return added;
}

describe('quick fixes', () => {
  for (const file of dlnetFiles(root)) {
    const text = readFileSync(file, 'utf8');
    const host = fileHost(file);
    const fixed = analyze(text, { host }).diagnostics.filter((d) => d.fixes?.length);
    if (fixed.length === 0) continue;
    it(relative(root, file), () => {
      const failures: string[] = [];
      const before = analyze(text, { host }).diagnostics;
      // Fewer findings of its kind must be left on the finding's line, wherever the fix moved it.
      const onLine = (ds: typeof before, code: string, line: number) => ds.filter((a) => a.code === code && a.range.start.line === line).length;
      const syntaxErrors = (ds: typeof before) => ds.filter((a) => a.code === 'syntax-error').length;
      for (const d of fixed) {
        for (const fix of d.fixes!) {
          const after = analyze(applyEdits(text, fix.edits), { host }).diagnostics;
          if (onLine(after, d.code, d.range.start.line + linesAddedAbove(fix.edits, d.range.start)) >= onLine(before, d.code, d.range.start.line)) {
            failures.push(`${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} "${d.message}": "${fix.title}" leaves it`);
          }
          if (syntaxErrors(after) > syntaxErrors(before)) {
            failures.push(`${d.range.start.line + 1}:${d.range.start.character + 1} ${d.code} "${d.message}": "${fix.title}" breaks the syntax`);
          }
        }
      }
      expect(failures).toEqual([]);
    });
  }
});

describe('what a fix writes', () => {
  const model = 'model M {\n  input x: [28, 28, 1]\n  flatten\n  dense(10, activation: softmax)\n}\n';
  const fixed = (text: string): string => {
    const fixes = analyze(text).diagnostics.flatMap((d) => d.fixes ?? []);
    expect(fixes).toHaveLength(1);
    const out = applyEdits(text, fixes[0].edits);
    expect(analyze(out).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    return out;
  };

  it('separates train settings written with commas', () => {
    expect(fixed(`dataset d = mnist()\n${model}train M on d { loss: categoricalCrossentropy, epochs: 3, }\n`))
      .toContain('train M on d { loss: categoricalCrossentropy; epochs: 3 }\n');
    expect(fixed(`dataset d = mnist()\n${model}train M on d {\n  loss: categoricalCrossentropy,\n  epochs: 3,\n}\n`))
      .toContain('train M on d {\n  loss: categoricalCrossentropy\n  epochs: 3\n}\n');
  });

  it('closes the bodies a declaration leaves open, each brace on a line of its own', () => {
    expect(fixed('model M {\n  input x: [4]\n  dense(2)\n')).toBe('model M {\n  input x: [4]\n  dense(2)\n}\n');
    expect(fixed('model M {\n  input x: [4]\n  residual {\n    dense(4)\n\nmodel N {\n  input x: [4]\n}\n'))
      .toBe('model M {\n  input x: [4]\n  residual {\n    dense(4)\n  }\n}\n\nmodel N {\n  input x: [4]\n}\n');
    // A comment on the last line stays on it: a ')' goes before it, the '}' after it.
    expect(fixed('model M {\n  input x: [4]\n  dense(2)  # out\n')).toBe('model M {\n  input x: [4]\n  dense(2)  # out\n}\n');
    expect(fixed('model M {\n  input x: [4]\n  dense(2  # out\n')).toBe('model M {\n  input x: [4]\n  dense(2)  # out\n}\n');
  });

  it('writes what Keras code means in dlnet: brackets for a tuple, a colon for =, a bare name for a quoted one', () => {
    const keras = `dataset d = mnist()\nmodel M {\n  input x: [28, 28, 1]\n  STEP\n  flatten\n  dense(10, activation: softmax)\n}\ntrain M on d { loss: categoricalCrossentropy }\n`;
    const step = (text: string) => keras.replace('STEP', text);
    expect(fixed(step('conv2d(8, kernel: (3, 3))'))).toBe(step('conv2d(8, kernel: [3, 3])'));
    // Tuples in a tuple: one fix writes them all.
    expect(fixed(step('zeroPadding2d(((0, 1), (2, 3)))'))).toBe(step('zeroPadding2d([[0, 1], [2, 3]])'));
    expect(fixed(step('conv2d(8, kernel=3)'))).toBe(step('conv2d(8, kernel: 3)'));
    expect(fixed(step('conv2d(8, kernel = 3)'))).toBe(step('conv2d(8, kernel: 3)'));
    expect(fixed(step("conv2d(8, kernel: 3, activation: 'relu')"))).toBe(step('conv2d(8, kernel: 3, activation: relu)'));
    expect(fixed(step('conv2d(8, kernel: 3, init: "he_normal")'))).toBe(step('conv2d(8, kernel: 3, init: heNormal)'));
    // The functional API: a layer applied to its input, a merge to its tensors.
    const functional = (steps: string) => `model F {\n  input a: [4]\n  input b: [4]\n  ${steps}\n}\n`;
    expect(fixed(functional('x = dense(8)(a)\n  y = b -> dense(8)\n  add(x, y)'))).toBe(functional('x = a -> dense(8)\n  y = b -> dense(8)\n  add(x, y)'));
    expect(fixed(functional('concat()([a, b])'))).toBe(functional('concat(a, b)'));
    expect(fixed(functional('concat(axis: -1)([a, b])'))).toBe(functional('concat(a, b, axis: -1)'));
    expect(fixed(functional('add([a, b])'))).toBe(functional('add(a, b)'));
  });

  it('pads a window too large for its input, in the block that holds it', () => {
    const text = (pool: string) => `block Halve {\n  ${pool}\n}\nmodel M {\n  input x: [8, 8, 1]\n  Halve\n  Halve\n}\n`;
    const pad = analyze(text('maxPool2d(4)')).diagnostics.find((d) => d.code === 'invalid-shape')!.fixes!;
    expect(pad.map((f) => [f.title, applyEdits(text('maxPool2d(4)'), f.edits), f.preferred])).toEqual([['Use padding: same', text('maxPool2d(4, padding: same)'), undefined]]);
    expect(analyze(text('maxPool2d(4, padding: valid)')).diagnostics.find((d) => d.code === 'invalid-shape')!.fixes!.map((f) => applyEdits(text('maxPool2d(4, padding: valid)'), f.edits)))
      .toEqual([text('maxPool2d(4, padding: same)')]);
  });

  it('adds the loss that fits the output and the labels where a train statement has none', () => {
    const text = (output: string, data: string) => `dataset rings = rings()\ndataset wave = sine(length: 2)\nmodel M {\n  input x: [2${data === 'wave' ? ', 1' : ''}]\n  flatten\n  ${output}\n}\ntrain M on ${data} { epochs: 3 }\n`;
    expect(fixed(text('dense(1, activation: sigmoid)', 'rings'))).toContain('train M on rings { loss: binaryCrossentropy; epochs: 3 }');
    expect(fixed(text('dense(1, activation: sigmoid)', 'wave'))).toContain('train M on wave { loss: meanSquaredError; epochs: 3 }');
    expect(fixed(text('dense(1)', 'rings'))).toContain('train M on rings { loss: meanSquaredError; epochs: 3 }');
  });

  it('sets the output layer\'s activation the loss expects, where the model itself writes the layer', () => {
    const text = (output: string, loss: string) => `dataset rings = rings()\ndataset b = blobs(centers: 3, dims: 2)\nmodel M {\n  input x: [2]\n  dense(8, activation: relu)\n  ${output}\n}\ntrain M on ${loss}\n`;
    const after = fixed(text('dense(1)\n  flatten', 'rings { loss: binaryCrossentropy }'));
    expect(after).toContain('  dense(1, activation: sigmoid)\n  flatten\n');
    expect(analyze(after).diagnostics.filter((d) => d.code === 'loss-mismatch')).toEqual([]);
    expect(fixed(text('dense(3, activation: relu)', 'b { loss: categoricalCrossentropy }'))).toContain('  dense(3, activation: softmax)\n');
    // In a block, its other uses would change too: no fix.
    const inBlock = `block Head(act = linear) {\n  dense(1, activation: act)\n}\n${text('Head', 'rings { loss: binaryCrossentropy }')}`;
    expect(analyze(inBlock).diagnostics.find((d) => d.code === 'loss-mismatch')?.fixes).toBeUndefined();
  });

  it('takes out a setting that is set twice, given with its rival, or for the other kind of training: its line, or itself and a `;`', () => {
    const models = 'dataset rings = rings()\ndataset ring = ring2d()\nmodel M {\n  input x: [2]\n  dense(1, activation: sigmoid)\n}\nmodel G {\n  input z: [4]\n  dense(2)\n}\nmodel D {\n  input x: [2]\n  dense(1, activation: sigmoid)\n}\n';
    const plain = (settings: string) => `${models}train M on rings ${settings}\n`;
    expect(fixed(plain('{ loss: binaryCrossentropy; samples: 3; epochs: 2 }'))).toContain('{ loss: binaryCrossentropy; epochs: 2 }');
    expect(fixed(plain('{ loss: binaryCrossentropy; epochs: 2; samples: 3 }'))).toContain('{ loss: binaryCrossentropy; epochs: 2 }');
    expect(fixed(plain('{ samples: 3; loss: binaryCrossentropy }'))).toContain('{ loss: binaryCrossentropy }');
    expect(fixed(plain('{\n  loss: binaryCrossentropy\n  epochs: 2\n  epochs: 3  # more\n}'))).toContain('{\n  loss: binaryCrossentropy\n  epochs: 2\n}\n');
    expect(fixed(plain('{\n  loss: binaryCrossentropy\n  validation: rings\n  validationSplit: 0.2\n}'))).toContain('{\n  loss: binaryCrossentropy\n  validation: rings\n}\n');
    expect(fixed(`${models}train G vs D on ring {\n  loss: binaryCrossentropy\n  epochs: 2\n}\n`)).toContain('train G vs D on ring {\n  epochs: 2\n}\n');
  });

  it('moves a dropout after the last layer with weights before it, or takes it out, where the model itself writes both', () => {
    const text = (output: string) => `model M {\n  input x: [4]\n  dense(8, activation: relu)\n  ${output}\n}\n`;
    const fixes = (source: string) => {
      const found = analyze(source).diagnostics.filter((d) => d.code === 'dropout-placement');
      expect(found).toHaveLength(1);
      return (found[0].fixes ?? []).map((f) => {
        const after = applyEdits(source, f.edits);
        expect(analyze(after).diagnostics.filter((d) => d.code === 'dropout-placement' || d.severity === 'error')).toEqual([]);
        return [f.title, after];
      });
    };
    // On a line of its own: in front of the dense on its line, and its line goes.
    expect(fixes(text('dense(1, activation: sigmoid)\n  dropout(0.2)'))).toEqual([
      ['Move dropout(0.2) before dense (line 4)', text('dropout(0.2) -> dense(1, activation: sigmoid)')],
      ['Remove dropout(0.2)', text('dense(1, activation: sigmoid)')],
    ]);
    // In one chain, through a layer without weights; and a statement that binds a name keeps it.
    expect(fixes(text('h = dense(1) -> sigmoid -> dropout(rate: 0.2)\n  output h'))).toEqual([
      ['Move dropout(rate: 0.2) before dense (line 4)', text('h = dropout(rate: 0.2) -> dense(1) -> sigmoid\n  output h')],
      ['Remove dropout(rate: 0.2)', text('h = dense(1) -> sigmoid\n  output h')],
    ]);
    // Two statements on a line: the dropout goes with its `;`.
    expect(fixes(text('dense(1); dropout(0.2)'))[1]).toEqual(['Remove dropout(0.2)', text('dense(1)')]);
    // After a merge, which has no weights, there is nothing to move it in front of: only taking it out.
    expect(fixes('model M {\n  input a: [4]\n  input b: [4]\n  add(a, b) -> dropout(0.2)\n}\n').map(([title]) => title)).toEqual(['Remove dropout(0.2)']);
    // In a repeat or a block, every round or use would change: no fix.
    expect(fixes(text('repeat 2 { dense(1) -> dropout(0.2) }'))).toEqual([]);
    expect(fixes(`block Head {\n  dense(1)\n  dropout(0.2)\n}\n${text('Head')}`)).toEqual([]);
  });

  it('writes PyTorch\'s layers without the input\'s size they take first, and names without a module path', () => {
    const text = (steps: string) => `model M {\n  input x: [28, 28, 1]\n  ${steps}\n}\n`;
    expect(fixed(text('Conv2d(1, 32, 3)'))).toBe(text('conv2d(32, 3)'));
    expect(fixed(text('Conv2d(1, 32, kernel: 3)'))).toBe(text('conv2d(32, kernel: 3)'));
    expect(fixed(text('BatchNorm2d(1)'))).toBe(text('batchNorm()'));
    expect(fixed(text('flatten\n  Linear(784, 128)'))).toBe(text('flatten\n  dense(128)'));
    // Keras's spellings take no input size: the name alone changes.
    expect(fixed(text('Conv2D(16, 3)'))).toBe(text('conv2d(16, 3)'));
    expect(fixed(text('reshape([28, 28])\n  LSTM(8)'))).toBe(text('reshape([28, 28])\n  lstm(8)'));
    // More passed by position, named as the next parameter in order; PyTorch's padding counted in zeros.
    expect(fixed(text('flatten\n  dense(10, softmax)'))).toBe(text('flatten\n  dense(10, activation: softmax)'));
    expect(fixed(text('maxPool2d(2, 2)'))).toBe(text('maxPool2d(2, strides: 2)'));
    expect(fixed(text('conv2d(8, 3, padding: 0)'))).toBe(text('conv2d(8, 3, padding: valid)'));
    expect(fixed(text('conv2d(8, 3, padding: 1)'))).toBe(text('conv2d(8, 3, padding: same)'));
    // Axes counted with the batch axis first, and SGD's momentum, which dlnet's momentum optimizer takes.
    expect(fixed(text('flatten\n  dense(10)\n  softmax(axis: 1)'))).toBe(text('flatten\n  dense(10)\n  softmax(axis: 0)'));
    const sgd = 'dataset d = mnist()\nmodel N {\n  input x: [28, 28, 1]\n  flatten\n  dense(10, activation: softmax)\n}\ntrain N on d { loss: categoricalCrossentropy; optimizer: OPT }\n';
    expect(fixed(sgd.replace('OPT', 'sgd(learningRate: 0.01, momentum: 0.9)'))).toBe(sgd.replace('OPT', 'momentum(learningRate: 0.01, momentum: 0.9)'));
    // The path and the name are both said, and "fix all" writes both at once.
    expect(ide.fixAll(text('torch.nn.Flatten()'), (t) => analyze(t).diagnostics).text).toBe(text('flatten()'));
    expect(ide.fixAll(text('nn.Linear(784, 10)'), (t) => analyze(t).diagnostics).text).toBe(text('dense(10)'));
  });

  it('moves an optimizer\'s parameter written as a train setting into the optimizer\'s call', () => {
    const text = (settings: string) => `dataset rings = rings()\nmodel M {\n  input x: [2]\n  dense(1, activation: sigmoid)\n}\ntrain M on rings ${settings}\n`;
    expect(fixed(text('{ loss: binaryCrossentropy; learningRate: 0.01 }'))).toContain('{ loss: binaryCrossentropy; optimizer: adam(learningRate: 0.01) }');
    expect(fixed(text('{ loss: binaryCrossentropy; optimizer: sgd; lr: 0.1 }'))).toContain('{ loss: binaryCrossentropy; optimizer: sgd(learningRate: 0.1) }');
    expect(fixed(text('{ lr: 0.1; optimizer: sgd; loss: binaryCrossentropy }'))).toContain('{ optimizer: sgd(learningRate: 0.1); loss: binaryCrossentropy }');
    expect(fixed(text('{\n  loss: binaryCrossentropy\n  optimizer: adam(beta2: 0.99)\n  learning_rate: 0.01\n}'))).toContain('{\n  loss: binaryCrossentropy\n  optimizer: adam(beta2: 0.99, learningRate: 0.01)\n}\n');
    // One the optimizer lacks: the optimizer that takes it (named after it), with what the call gave.
    expect(fixed(text('{ loss: binaryCrossentropy; momentum: 0.9 }'))).toContain('{ loss: binaryCrossentropy; optimizer: momentum(momentum: 0.9) }');
    expect(fixed(text('{ loss: binaryCrossentropy; optimizer: sgd(learningRate: 0.1); momentum: 0.9 }'))).toContain('{ loss: binaryCrossentropy; optimizer: momentum(learningRate: 0.1, momentum: 0.9) }');
    expect(fixed(text('{ loss: binaryCrossentropy; optimizer: sgd; momentum: 0.9 }'))).toContain('{ loss: binaryCrossentropy; optimizer: momentum(momentum: 0.9) }');
    expect(fixed(text('{ loss: binaryCrossentropy; optimizer: adam; rho: 0.9 }'))).toContain('{ loss: binaryCrossentropy; optimizer: adadelta(rho: 0.9) }');
  });

  it('takes out an argument given twice, with its comma', () => {
    const text = (dense: string) => `dataset rings = rings()\nmodel M {\n  input x: [2]\n  ${dense}\n}\ntrain M on rings { loss: binaryCrossentropy }\n`;
    expect(fixed(text('dense(1, activation: sigmoid, activation: tanh)'))).toContain('  dense(1, activation: sigmoid)\n');
  });

  it('pads a window too large for the data\'s sizes, on the layer, from the train statement', () => {
    const text = (conv: string) => `dataset short = sine(length: 4)\nmodel Wide {\n  input s: [T, 1]\n  ${conv}\n  lstm(8)\n  dense(1)\n}\ntrain Wide on short { loss: meanSquaredError }\n`;
    const mismatch = analyze(text('conv1d(4, kernel: 5)')).diagnostics.find((d) => d.code === 'data-mismatch')!;
    expect(mismatch.fixes!.map((f) => [f.title, applyEdits(text('conv1d(4, kernel: 5)'), f.edits), f.preferred])).toEqual([['Use padding: same', text('conv1d(4, kernel: 5, padding: same)'), undefined]]);
    expect(analyze(text('conv1d(4, kernel: 5, padding: same)')).diagnostics.filter((d) => d.code === 'data-mismatch')).toEqual([]);
  });

  it('writes Keras\'s Input(shape=...) as the model\'s input, named by what it was bound to', () => {
    const model = (first: string) => `dataset d = mnist()\nmodel M {\n  ${first}\n  flatten\n  dense(10, activation: softmax)\n}\ntrain M on d { loss: categoricalCrossentropy }\n`;
    expect(fixed(model('inputs = Input(shape: [28, 28, 1])'))).toBe(model('input inputs: [28, 28, 1]'));
    expect(fixed(model('Input(batch_shape: [32, 28, 28, 1])'))).toBe(model('input x: [28, 28, 1]'));
  });

  it('writes a body indented after a colon, as Python does, in braces', () => {
    expect(fixed('model M:\n  input x: [4]\n  dense(2)  # out\n\nmodel N {\n  input x: [4]\n}\n'))
      .toBe('model M {\n  input x: [4]\n  dense(2)  # out\n}\n\nmodel N {\n  input x: [4]\n}\n');
  });

  it('flattens before the first dense layer after the convolutions, not before the output layer', () => {
    const model = (head: string) => `dataset d = mnist()\nmodel M {\n  input x: [28, 28, 1]\n  conv2d(8, kernel: 3)\n  maxPool2d(2)\n  ${head}dense(64, activation: relu)\n  dropout(0.5)\n  dense(10, activation: softmax)\n}\ntrain M on d { loss: categoricalCrossentropy }\n`;
    expect(fixed(model(''))).toBe(model('flatten -> '));
  });

  it('writes an input\'s name with a colon', () => {
    const model = (input: string) => `model M {\n  ${input}\n  dense(2)\n}\n`;
    expect(fixed(model('input x = [4]'))).toBe(model('input x: [4]'));
    expect(fixed(model('input: [4]'))).toBe(model('input x: [4]'));
  });

  it('removes a comma too many, as deleting an argument leaves it', () => {
    expect(fixed(`${model.replace('dense(10,', 'dense(10,,')}`)).toBe(model);
    expect(fixed('dataset d = xor(samples: 40,, noise: 0.1)\n')).toBe('dataset d = xor(samples: 40, noise: 0.1)\n');
    // A run of them is one error, and its fix removes the run.
    expect(fixed('dataset d = xor(samples: 40,,, , noise: 0.1)\n')).toBe('dataset d = xor(samples: 40, noise: 0.1)\n');
  });

  it('writes an input shape as a list, and None as ? or without the batch axis', () => {
    const input = (shape: string) => `dataset d = mnist()\nmodel M {\n  input x: ${shape}\n  flatten\n  dense(10, activation: softmax)\n}\ntrain M on d { loss: categoricalCrossentropy }\n`;
    const flat = (shape: string) => `model M {\n  input x: ${shape}\n  dense(10, activation: softmax)\n}\n`;
    expect(fixed(flat('784'))).toBe(flat('[784]'));
    expect(fixed(input('(28, 28, 1)'))).toBe(input('[28, 28, 1]'));
    const none = analyze(input('[None, 28, 28, 1]')).diagnostics.find((d) => d.code === 'invalid-shape' && d.severity === 'warning')!;
    expect(none.fixes!.map((f) => [f.title, applyEdits(input('[None, 28, 28, 1]'), f.edits), f.preferred])).toEqual([
      ['Write ? (a size not known)', input('[?, 28, 28, 1]'), false],
      ['Leave out the batch axis', input('[28, 28, 1]'), undefined],
    ]);
  });

  it('takes input_shape out of a layer, with its comma', () => {
    const layer = (call: string) => `model M {\n  input x: [8]\n  ${call}\n}\n`;
    expect(fixed(layer('dense(4, input_shape: [8])'))).toBe(layer('dense(4)'));
    expect(fixed(layer('dense(input_shape: [8], units: 4)'))).toBe(layer('dense(units: 4)'));
    expect(fixed(layer('dense(4, input_dim: 8, activation: relu)'))).toBe(layer('dense(4, activation: relu)'));
    expect(fixed(layer('dense(4, useBias: False)'))).toBe(layer('dense(4, useBias: false)'));
  });

  it('turns the input_shape of a model\'s first layer, as Keras writes it, into the model\'s input', () => {
    const model = (body: string) => `model M {\n${body}\n  flatten\n  dense(10, activation: softmax)\n}\n`;
    const keras = model('  conv2d(8, kernel: 3, input_shape: [28, 28, 1])');
    const declared = analyze(keras).diagnostics.find((d) => d.message.startsWith('conv2d has no input'))!.fixes!;
    expect(declared.map((f) => f.title)).toEqual(['Declare the input from input_shape: input x: [28, 28, 1]']);
    expect(applyEdits(keras, declared[0].edits)).toBe(model('  input x: [28, 28, 1]\n  conv2d(8, kernel: 3)'));
    expect(ide.fixAll(model('  dense(4, batch_input_shape: [None, 8])'), (t) => analyze(t).diagnostics).text).toBe(model('  input x: [8]\n  dense(4)'));
  });

  it('projects a residual\'s input only where a 1x1 window makes it the body\'s output shape', () => {
    const residual = (input: string, body: string) => `model M {\n  input x: ${input}\n  residual { ${body} }\n}\n`;
    const projection = (input: string, body: string) => analyze(residual(input, body)).diagnostics.find((d) => d.code === 'shape-mismatch')!.fixes?.map((f) => f.title);
    expect(projection('[16, 16, 8]', 'conv2d(16, kernel: 3, strides: 2, padding: same)')).toEqual(['Add a projection shortcut { conv2d(16, kernel: 1, strides: 2) }']);
    // ceil(7 / 2) = 4: the same stride, though 7 is not twice 4.
    expect(projection('[7, 7, 8]', 'conv2d(16, kernel: 3, strides: 2, padding: same)')).toEqual(['Add a projection shortcut { conv2d(16, kernel: 1, strides: 2) }']);
    expect(projection('[8, 4, 8]', 'conv2d(16, kernel: 3, strides: [2, 1], padding: same)')).toEqual(['Add a projection shortcut { conv2d(16, kernel: 1, strides: [2, 1]) }']);
    expect(projection('[16]', 'dense(8)')).toEqual(['Add a projection shortcut { dense(8) }']);
  });

  it('keeps the length in a residual\'s body that shortens it, where windows moving one step do it', () => {
    const residual = (input: string, body: string) => `model M {\n  input x: ${input}\n  residual { ${body} }\n}\n`;
    const repaired = (input: string, body: string) => {
      const d = analyze(residual(input, body)).diagnostics.find((e) => e.code === 'shape-mismatch')!;
      expect(d.message).toContain('the body must keep the sizes before the channels (windows with padding: same, moving one step)');
      return d.fixes?.map((f) => [f.title, applyEdits(residual(input, body), f.edits)]);
    };
    // No dense or 1x1 window lengthens what the body shortened: padding does.
    expect(repaired('[10, 4]', 'conv1d(4, kernel: 3)')).toEqual([["Set padding: same in the residual's body", residual('[10, 4]', 'conv1d(4, kernel: 3, padding: same)')]]);
    expect(repaired('[T, 4]', 'conv1d(8, kernel: 3, activation: relu) -> dropout(0.1) -> conv1d(4, kernel: 5, padding: valid)')).toEqual([[
      "Set padding: same in the residual's body",
      residual('[T, 4]', 'conv1d(8, kernel: 3, activation: relu, padding: same) -> dropout(0.1) -> conv1d(4, kernel: 5, padding: same)'),
    ]]);
    expect(repaired('[8, 8, 3]', 'maxPool2d(2, strides: 1) -> conv2d(3, kernel: 3, padding: same)')).toEqual([["Set padding: same in the residual's body", residual('[8, 8, 3]', 'maxPool2d(2, strides: 1, padding: same) -> conv2d(3, kernel: 3, padding: same)')]]);
    // A stride shortens it still, a pooling window moves its own size: no fix.
    expect(repaired('[10, 4]', 'conv1d(4, kernel: 3, strides: 2)')).toBeUndefined();
    expect(repaired('[10, 4]', 'maxPool1d(2)')).toBeUndefined();
    // The channels differ too: padded, the body keeps the sizes, and a 1x1 shortcut gives the channels.
    expect(repaired('[10, 4]', 'conv1d(8, kernel: 3)')).toEqual([[
      "Set padding: same in the residual's body and add a projection shortcut { dense(8) }",
      'model M {\n  input x: [10, 4]\n  residual { conv1d(8, kernel: 3, padding: same) } shortcut { dense(8) }\n}\n',
    ]]);
    expect(repaired('[8, 8, 3]', 'conv2d(8, kernel: 3, padding: same) -> conv2d(16, kernel: 3)')?.[0][0]).toBe("Set padding: same in the residual's body and add a projection shortcut { conv2d(16, kernel: 1) }");
    expect(repaired('[10, 4]', 'conv1d(8, kernel: 3, strides: 2)')).toBeUndefined();
    for (const [input, body] of [['[10, 4]', 'conv1d(4, kernel: 3)'], ['[8, 8, 3]', 'maxPool2d(2, strides: 1) -> conv2d(3, kernel: 3, padding: same)'], ['[10, 4]', 'conv1d(8, kernel: 3)'], ['[8, 8, 3]', 'conv2d(8, kernel: 3, padding: same) -> conv2d(16, kernel: 3)']]) {
      const fixed = applyEdits(residual(input, body), analyze(residual(input, body)).diagnostics.find((e) => e.code === 'shape-mismatch')!.fixes![0].edits);
      expect(analyze(fixed).diagnostics.filter((e) => e.severity === 'error')).toEqual([]);
    }
  });

  it('declares a dataset once, above the first train statement that names it, however many do', () => {
    const text = `${model}train M on mnist { loss: categoricalCrossentropy }\ntrain M on d2 { loss: categoricalCrossentropy; validation: mnist }\ndataset d2 = mnist()\n`;
    const fixes = analyze(text).diagnostics.flatMap((d) => d.fixes ?? []);
    expect(fixes.map((f) => f.edits)).toEqual([fixes[0].edits, fixes[0].edits]);
    const all = ide.fixAll(text, (t) => analyze(t).diagnostics);
    expect(all.text).toBe(`${model}dataset mnist = mnist()\ntrain M on mnist { loss: categoricalCrossentropy }\ntrain M on d2 { loss: categoricalCrossentropy; validation: mnist }\ndataset d2 = mnist()\n`);
    expect(analyze(all.text).diagnostics).toEqual([]);
  });

  it('divides with // where a size must be whole, writes a merge layer for tensors combined with +, and a # comment for /* */', () => {
    const text = (steps: string) => `model M {\n  input a: [4]\n  input b: [4]\n  ${steps}\n}\n`;
    expect(fixed(text('add(a, b) -> dense(10 / 3)'))).toBe(text('add(a, b) -> dense(10 // 3)'));
    expect(fixed(text('add(a, b) -> dense((4 + 6) / 4)'))).toBe(text('add(a, b) -> dense((4 + 6) // 4)'));
    expect(fixed(text('c = a + b\n  c -> dense(2)'))).toBe(text('c = add(a, b)\n  c -> dense(2)'));
    expect(fixed(text('c = a - b\n  c -> dense(2)'))).toBe(text('c = subtract(a, b)\n  c -> dense(2)'));
    expect(fixed(text('c = a * b * a\n  c -> dense(2)'))).toBe(text('c = multiply(a, b, a)\n  c -> dense(2)'));
    expect(fixed(text('add(a, b) /* the sum */'))).toBe(text('add(a, b) # the sum'));
    // PyTorch's input size worked out by hand goes with the size dlnet works out.
    expect(fixed('model M {\n  input x: [7, 7, 64]\n  flatten\n  Linear(64 * 7 * 7, 10)\n}\n')).toBe('model M {\n  input x: [7, 7, 64]\n  flatten\n  dense(10)\n}\n');
  });

  it('declares a dataset named after its source, above the train statement, with the file\'s line breaks', () => {
    expect(fixed(`${model}\ntrain M on mnist { loss: categoricalCrossentropy }\n`))
      .toBe(`${model}\ndataset mnist = mnist()\ntrain M on mnist { loss: categoricalCrossentropy }\n`);
    const crlf = `${model}train M on mnist { loss: categoricalCrossentropy }\n`.replace(/\n/g, '\r\n');
    expect(fixed(crlf)).toContain('}\r\ndataset mnist = mnist()\r\ntrain M on mnist');
  });
});
