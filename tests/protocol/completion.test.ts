import { CompletionRequest, CompletionResolveRequest, type CompletionItem } from 'vscode-languageserver-protocol';
import { describe, expect, it } from 'vitest';
import { cursor } from './client';
import { serverForTests } from './server';

const server = serverForTests();

const base = `dataset rings = rings()
dataset blobs3 = blobs(centers: 3)
block Stack(units) {
  dense(units, activation: relu, init: heNormal)
}
model M {
  input x: [2]
  h = dense(8, activation: tanh)
  MARK
}
train M on rings { loss: binaryCrossentropy }
`;

async function complete(marked: string): Promise<CompletionItem[]> {
  const { text, position } = cursor(marked);
  const { uri } = await server().openNew(text, 'completion');
  const result = await server().connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position });
  return Array.isArray(result) ? result : result?.items ?? [];
}
const labels = (items: CompletionItem[]) => items.map((i) => i.label);

describe('completion', () => {
  it('offers layers, blocks, tensors and statement keywords at the start of a step', async () => {
    const items = labels(await complete(base.replace('MARK', '|')));
    expect(items).toEqual(expect.arrayContaining(['dense', 'conv2d', 'lstm', 'Stack', 'h', 'x', 'residual', 'repeat', 'output']));
  });

  it('lets a layer be found by its Keras or PyTorch name', async () => {
    const items = await complete(base.replace('MARK', 'Lin|'));
    const dense = items.find((i) => i.label === 'dense')!;
    expect(dense.filterText?.split(' ')).toEqual(['dense', 'linear']);
    expect(items.find((i) => i.label === 'batchNorm')!.filterText?.split(' ')).toEqual(['batchNorm', 'batchnormalization', 'batchnorm1d', 'batchnorm2d']);
    // A layer other frameworks call as dlnet does needs no second name.
    expect(items.find((i) => i.label === 'conv2d')!.filterText).toBeUndefined();
  });

  it('offers layers and blocks after ->', async () => {
    const items = labels(await complete(base.replace('MARK', 'h -> |')));
    expect(items).toContain('dropout');
    expect(items).toContain('Stack');
    expect(items).not.toContain('h');
  });

  it('offers the parameters not yet given inside a call, with type and default', async () => {
    const items = await complete(base.replace('MARK', 'dense(4, activation: relu, |)'));
    const names = labels(items);
    expect(names).toEqual(expect.arrayContaining(['init', 'useBias', 'kernelRegularizer']));
    expect(names).not.toContain('activation');
    expect(names).not.toContain('units');
    expect(items.find((i) => i.label === 'useBias')?.detail).toBe('useBias: bool = true');
  });

  it('offers layers in the body of a repeat whose count is computed', async () => {
    const inBlock = base.replace('  dense(units, activation: relu, init: heNormal)', '  repeat units - 1 { MARK }').replace('  MARK\n}', '}');
    expect(labels(await complete(inBlock.replace('MARK', '|')))).toEqual(expect.arrayContaining(['dense', 'conv2d']));
  });

  it('offers a block\'s parameters after an operator in an argument, and nothing in a model', async () => {
    const inBlock = base.replace('  dense(units, activation: relu, init: heNormal)', '  dense(units * 2)\n  MARK');
    expect(labels(await complete(inBlock.replace('MARK', 'dense(units // |)').replace('\n  MARK', '')))).toEqual(['units']);
    expect(labels(await complete(inBlock.replace('MARK', 'dense(4, units: 2 * |)').replace('\n  MARK', '')))).toEqual(['units']);
    expect(labels(await complete(base.replace('MARK', 'dense(4 * |)')))).toEqual([]);
  });

  it('offers enum values after activation:, init:, padding:, and tensors in merges', async () => {
    expect(labels(await complete(base.replace('MARK', 'dense(4, activation: |)')))).toEqual(expect.arrayContaining(['relu', 'tanh', 'softmax']));
    expect(labels(await complete(base.replace('MARK', 'dense(4, init: |)')))).toEqual(expect.arrayContaining(['heNormal', 'glorotUniform', 'randomNormal']));
    expect(labels(await complete(base.replace('MARK', 'conv2d(4, kernel: 3, padding: |)')))).toEqual(['valid', 'same']);
    expect(labels(await complete(base.replace('MARK', 'add(|')))).toEqual(expect.arrayContaining(['x', 'h']));
  });

  it('offers models after train and vs, datasets after on, sources after dataset x =', async () => {
    expect(labels(await complete(`${base.replace('MARK', '')}\ntrain |`))).toEqual(['M']);
    expect(labels(await complete(`${base.replace('MARK', '')}\ntrain M vs |`))).toEqual(['M']);
    expect(labels(await complete(`${base.replace('MARK', '')}\ntrain M on |`))).toEqual(['rings', 'blobs3']);
    expect(labels(await complete(`dataset d = |`))).toEqual(expect.arrayContaining(['rings', 'mnist', 'csv', 'spirals']));
  });

  it('offers settings not yet given inside a train block, and their values', async () => {
    const text = base.replace('MARK', '').replace('{ loss: binaryCrossentropy }', '{\n  loss: binaryCrossentropy\n  |\n}');
    const items = labels(await complete(text));
    expect(items).toEqual(expect.arrayContaining(['optimizer', 'epochs', 'metrics']));
    expect(items).not.toContain('loss');
    // A GAN's settings are for `train G vs D` only, and the other way round.
    expect(items).not.toContain('discriminatorSteps');
    const gan = labels(await complete('model G {\n  input z: [2]\n  dense(2)\n}\nmodel D {\n  input x: [2]\n  dense(1, activation: sigmoid)\n}\ndataset ring = ring2d()\ntrain G vs D on ring {\n  |\n}\n'));
    expect(gan).toEqual(expect.arrayContaining(['discriminatorSteps', 'samples', 'epochs']));
    expect(gan).not.toContain('loss');
    const opt = labels(await complete(base.replace('MARK', '').replace('{ loss: binaryCrossentropy }', '{\n  optimizer: |\n}')));
    expect(opt).toEqual(expect.arrayContaining(['adam', 'sgd', 'rmsprop']));
    const metrics = labels(await complete(base.replace('MARK', '').replace('{ loss: binaryCrossentropy }', '{\n  metrics: [|]\n}')));
    expect(metrics).toContain('accuracy');
  });

  it('offers first, and selects, the loss that fits the model\'s output and the dataset\'s labels', async () => {
    const train = (output: string, data: string) => `dataset rings = rings()\ndataset blobs3 = blobs(centers: 3, dims: 2)\ndataset wave = sine(length: 2)\nmodel M {\n  input x: [2${data === 'wave' ? ', 1' : ''}]\n  flatten\n  ${output}\n}\ntrain M on ${data} {\n  loss: |\n}\n`;
    const first = (items: CompletionItem[]) => [...items].sort((a, b) => (a.sortText ?? a.label).localeCompare(b.sortText ?? b.label))[0];
    const cases = [
      ['dense(1, activation: sigmoid)', 'rings', 'binaryCrossentropy', "fits M's sigmoid output (yes/no labels)"],
      ['dense(3, activation: softmax)', 'blobs3', 'categoricalCrossentropy', "fits M's softmax output (one class of several)"],
      ['dense(1)', 'rings', 'meanSquaredError', "fits M's output, which is not a probability (a regression)"],
      ['dense(1, activation: sigmoid)', 'wave', 'meanSquaredError', 'fits labels that are values to predict (a regression)'],
    ];
    for (const [output, data, loss, detail] of cases) {
      const items = await complete(train(output, data));
      expect(items.filter((i) => i.preselect).map((i) => i.label)).toEqual([loss]);
      expect(first(items).label).toBe(loss);
      expect(first(items).detail).toBe(detail);
      expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(['binaryCrossentropy', 'categoricalCrossentropy', 'meanSquaredError', 'huber']));
    }
    // A GAN's losses are its own: nothing is singled out.
    const gan = await complete('dataset r = rings()\nmodel G {\n  input z: [2]\n  dense(2)\n}\nmodel D {\n  input x: [2]\n  dense(1, activation: sigmoid)\n}\ntrain G vs D on r {\n  loss: |\n}\n');
    expect(gan.filter((i) => i.preselect)).toEqual([]);
  });

  it('offers declaration snippets at the top level', async () => {
    const items = await complete('|');
    expect(labels(items)).toEqual(expect.arrayContaining(['model', 'block', 'dataset', 'train']));
    expect(items.find((i) => i.label === 'model')?.insertTextFormat).toBe(2);
  });

  it('takes a line that starts with a declaration keyword as a new declaration, as the parser does', async () => {
    // The train block above is never closed; the parser starts over at `model`, and so does completion.
    const items = await complete('train M on rings { loss: binaryCrossentropy\nmod|el N {\n}\n');
    expect(labels(items)).toEqual(expect.arrayContaining(['model', 'block', 'dataset', 'train']));
    expect(labels(items)).not.toContain('epochs');
  });

  it('resolves documentation lazily', async () => {
    const items = await complete(base.replace('MARK', '|'));
    const dense = items.find((i) => i.label === 'dense')!;
    expect(dense.documentation).toBeUndefined();
    const resolved = await server().connection.sendRequest(CompletionResolveRequest.type, dense);
    expect((resolved.documentation as { value: string }).value).toContain('Fully connected');
  });
});
