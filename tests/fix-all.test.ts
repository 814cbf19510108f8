/** "Fix all" over the dsl alone: passes, overlapping fixes, and the one edit it hands the editor. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, ide, type Diagnostic } from '../dsl';
import { applyEdits } from './protocol/edits';

const check = (text: string) => analyze(text).diagnostics;

/** What Fix All writes of PyTorch's MNIST example's `Net` (pytorch/examples, mnist/main.py), pasted alone or with its script. */
const MNIST_NET = [
  'model Net {',
  '  input x: [28, 28, 1]',
  '  conv2d(32, 3, strides: 1)',
  '  relu()',
  '  conv2d(64, 3, strides: 1)',
  '  relu()',
  '  maxPool2d(2)',
  '  dropout(0.25)',
  '  flatten()',
  '  dense(128)',
  '  relu()',
  '  dropout(0.5)',
  '  dense(10)',
  '  softmax(axis: 0)',
  '}',
];

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

  it('turns a Keras transformer written with its functional API into dlnet: MultiHeadAttention(...)(x, x) is selfAttention on x', () => {
    const keras = [
      'inputs = keras.Input(shape=(200,))',
      'x = layers.Embedding(input_dim=20000, output_dim=32)(inputs)',
      'attn = layers.MultiHeadAttention(num_heads=2, key_dim=16)(x, x)',
      'x = layers.Add()([x, attn])',
      'x = layers.LayerNormalization(epsilon=1e-6)(x)',
      'x = layers.GlobalAveragePooling1D()(x)',
      'outputs = layers.Dense(2, activation="softmax")(x)',
      'model = keras.Model(inputs=inputs, outputs=outputs)',
      '',
    ].join('\n');
    const fixed = ide.fixAll(keras, check).text;
    expect(ide.format(fixed)).toBe([
      'model Model {',
      '  input inputs: [200]',
      '  x = inputs -> embedding(inputDim: 20000, outputDim: 32)',
      '  attn = x -> selfAttention(heads: 2, keyDim: 16)',
      '  x = add(x, attn)',
      '  x = x -> layerNorm(epsilon: 1e-6)',
      '  x = x -> globalAvgPool1d()',
      '  outputs = x -> dense(2, activation: softmax)',
      '}',
      '',
    ].join('\n'));
    expect(check(fixed).filter((d) => d.severity === 'error')).toEqual([]);
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
    // Upsample's scale_factor is upSampling2d's size.
    expect(ide.fixAll('model U {\n  input x: [4, 4, 1]\n  nn.Upsample(scale_factor=2)\n}\n', check).text).toBe('model U {\n  input x: [4, 4, 1]\n  upSampling2d(size: 2)\n}\n');
  });

  it('writes same for PyTorch\'s padding where it gives same\'s sizes: a max pooling\'s window, a transposed convolution\'s stride; and Adam\'s betas as two', () => {
    const torch = [
      'dataset d = mnist()',
      'model M {',
      '  nn.Conv2d(1, 64, kernel_size=7, stride=2, padding=3, bias=False)',
      '  nn.MaxPool2d(kernel_size=3, stride=2, padding=1)',
      '  nn.ConvTranspose2d(64, 32, kernel_size=4, stride=2, padding=1)',
      '  nn.AvgPool2d(3, 1, 1)',
      '  nn.Flatten()',
      '  nn.Linear(32 * 14 * 14, 10)',
      '}',
      'train M on d { loss: CrossEntropyLoss(), optimizer: Adam(lr=1e-3, betas=(0.9, 0.999)) }',
      '',
    ].join('\n');
    // An average pooling's border differs (PyTorch averages the zeros in): offered same, not written unasked.
    expect(ide.fixAll(torch, check).text).toBe([
      'dataset d = mnist()',
      'model M {',
      '  input x: [28, 28, 1]',
      '  conv2d(64, kernel: 7, strides: 2, padding: same, useBias: false)',
      '  maxPool2d(pool: 3, strides: 2, padding: same)',
      '  conv2dTranspose(32, kernel: 4, strides: 2, padding: same)',
      '  avgPool2d(3, strides: 1, padding: 1)',
      '  flatten()',
      '  dense(10)',
      '}',
      // PyTorch's CrossEntropyLoss takes logits: renamed with the softmax it needs once the model's output is known (below).
      'train M on d { loss: CrossEntropyLoss(); optimizer: adam(learningRate: 1e-3, beta1: 0.9, beta2: 0.999) }',
      '',
    ].join('\n'));
    // The sizes PyTorch's layers give: 28 → 14 (stride 2) → 7 (pool) → 14 (transposed, stride 2).
    const same = ide.fixAll(torch.replace('  nn.AvgPool2d(3, 1, 1)\n', ''), check).text;
    expect(analyze(same).models[0].layers.map((l) => l.outputShape).slice(0, 3)).toEqual([[14, 14, 64], [7, 7, 64], [14, 14, 32]]);
    expect(same).toContain('  dense(10, activation: softmax)\n}\ntrain M on d { loss: categoricalCrossentropy();');
  });

  describe('a PyTorch module pasted whole, class Net(nn.Module)', () => {
    // PyTorch's MNIST example (pytorch/examples, mnist/main.py), as written there.
    const mnist = [
      'class Net(nn.Module):',
      '    def __init__(self):',
      '        super(Net, self).__init__()',
      '        self.conv1 = nn.Conv2d(1, 32, 3, 1)',
      '        self.conv2 = nn.Conv2d(32, 64, 3, 1)',
      '        self.dropout1 = nn.Dropout(0.25)',
      '        self.dropout2 = nn.Dropout(0.5)',
      '        self.fc1 = nn.Linear(9216, 128)',
      '        self.fc2 = nn.Linear(128, 10)',
      '',
      '    def forward(self, x):',
      '        x = self.conv1(x)',
      '        x = F.relu(x)',
      '        x = self.conv2(x)',
      '        x = F.relu(x)',
      '        x = F.max_pool2d(x, 2)',
      '        x = self.dropout1(x)',
      '        x = torch.flatten(x, 1)',
      '        x = self.fc1(x)',
      '        x = F.relu(x)',
      '        x = self.dropout2(x)',
      '        x = self.fc2(x)',
      '        output = F.log_softmax(x, dim=1)',
      '        return output',
    ].join('\n');

    it('declares the model its forward applies, the layers as PyTorch wrote them', () => {
      const [error] = check(`${mnist}\n`);
      expect(error.message).toBe('`class Net(nn.Module)` is how PyTorch declares a model; dlnet declares its layers in the order forward applies them: model Net { ... }');
      expect(error.range).toEqual({ start: { line: 0, character: 0 }, end: { line: 0, character: 21 } });
      // Layers stay in PyTorch's spelling, for the fixes of PyTorch's habits to take in the passes that follow; what only forward says is dlnet.
      expect(error.fixes?.[0].edits[0].newText).toBe([
        'model Net {', '  nn.Conv2d(1, 32, 3, 1)', '  F.relu()', '  nn.Conv2d(32, 64, 3, 1)', '  F.relu()', '  F.max_pool2d(2)', '  nn.Dropout(0.25)',
        '  flatten()', '  nn.Linear(9216, 128)', '  F.relu()', '  nn.Dropout(0.5)', '  nn.Linear(128, 10)', '  F.log_softmax(dim=1)', '}',
      ].join('\n'));
      expect(check(`${mnist}\n`)).toHaveLength(1);
    });

    it('turns PyTorch\'s MNIST example into dlnet that checks clean, its input from the data that trains it', () => {
      const fixed = ide.fixAll(`dataset digits = mnist()\n\n${mnist}\n\ntrain Net on digits { loss: nll_loss }\n`, check).text;
      expect(fixed).toBe([
        'dataset digits = mnist()',
        '',
        ...MNIST_NET,
        '',
        'train Net on digits { loss: categoricalCrossentropy }',
        '',
      ].join('\n'));
      // 9216 was PyTorch's size of the flattened [12, 12, 64]: dlnet works it out.
      expect(check(fixed)).toEqual([]);
      expect(analyze(fixed).models[0].layers.find((l) => l.kind === 'flatten')?.outputShape).toEqual([9216]);
    });

    it('reads a residual, a Sequential member, __init__\'s defaults, continued lines, a docstring and type hints', () => {
      const block = [
        'dataset images = mnist()',
        '',
        'class BasicBlock(nn.Module):',
        '    """A residual block, as torchvision writes one."""',
        '',
        '    def __init__(self, planes=16, stride=1):',
        '        super(BasicBlock, self).__init__()',
        '        self.stem = nn.Conv2d(1, planes, kernel_size=3, padding=1)',
        '        self.conv1 = nn.Conv2d(planes, planes, kernel_size=3, stride=stride,',
        '                               padding=1, bias=False)',
        '        self.bn1 = nn.BatchNorm2d(planes)',
        '        self.relu = nn.ReLU(inplace=True)',
        '        self.conv2 = nn.Conv2d(planes, planes, kernel_size=3, padding=1, bias=False)',
        '        self.bn2 = nn.BatchNorm2d(planes)',
        '        self.head = nn.Sequential(nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(planes, 10))',
        '',
        '    def forward(self, x: torch.Tensor) -> torch.Tensor:',
        '        x = self.stem(x)',
        '        identity = x',
        '        out = self.conv1(x)',
        '        out = self.bn1(out)',
        '        out = self.relu(out)',
        '        out = self.conv2(out)',
        '        out = self.bn2(out)',
        '        out += identity',
        '        out = self.relu(out)',
        '        return self.head(out)',
        '',
        'train BasicBlock on images { loss: categoricalCrossentropy }',
        '',
      ].join('\n');
      const fixed = ide.fixAll(block, check).text;
      // The layers added to where they started (`out += identity`) are dlnet's residual.
      expect(fixed).toBe([
        'dataset images = mnist()',
        '',
        'model BasicBlock {',
        '  input x: [28, 28, 1]',
        '  conv2d(16, kernel: 3, padding: same)',
        '  residual {',
        '    conv2d(16, kernel: 3, strides: 1, padding: same, useBias: false)',
        '    batchNorm()',
        '    relu()',
        '    conv2d(16, kernel: 3, padding: same, useBias: false)',
        '    batchNorm()',
        '  }',
        '  relu()',
        '  globalAvgPool2d',
        '  flatten()',
        '  dense(10)',
        '}',
        '',
        'train BasicBlock on images { loss: categoricalCrossentropy }',
        '',
      ].join('\n'));
      expect(check(fixed).filter((d) => d.severity === 'error')).toEqual([]);
      // Added to a second chain from where it started, its shortcut (a projection, as ResNet's downsampling writes it).
      const projected = [
        'class Down(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.conv1 = nn.Conv2d(1, 16, 3, stride=2, padding=1)',
        '        self.bn1 = nn.BatchNorm2d(16)',
        '        self.conv2 = nn.Conv2d(16, 16, 3, padding=1)',
        '        self.shortcut = nn.Sequential(nn.Conv2d(1, 16, 1, stride=2), nn.BatchNorm2d(16))',
        '    def forward(self, x):',
        '        out = F.relu(self.bn1(self.conv1(x)))',
        '        out = self.conv2(out)',
        '        out = out + self.shortcut(x)',
        '        return F.relu(out)',
        '',
      ].join('\n');
      expect(check(projected)[0].fixes?.[0].edits[0].newText).toBe([
        'model Down {', '  residual {', '    nn.Conv2d(1, 16, 3, stride=2, padding=1)', '    nn.BatchNorm2d(16)', '    F.relu()', '    nn.Conv2d(16, 16, 3, padding=1)',
        '  } shortcut {', '    nn.Conv2d(1, 16, 1, stride=2)', '    nn.BatchNorm2d(16)', '  }', '  F.relu()', '}',
      ].join('\n'));
      const down = ide.fixAll(projected.replace('class Down', 'dataset d = mnist()\nclass Down') + 'train Down on d { loss: categoricalCrossentropy }\n', check).text;
      // The residual's body and shortcut agree ([14, 14, 16] both): only the labels, which this model makes no classes for, are amiss.
      expect(check(down).filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['data-mismatch']);
      expect(analyze(down).models[0].layers.at(-1)?.outputShape).toEqual([14, 14, 16]);
    });

    it('declares a class that another one uses as a layer as a block, __init__\'s parameters its own', () => {
      const file = [
        'dataset digits = mnist()',
        '',
        'class ResidualBlock(nn.Module):',
        '    def __init__(self, channels, dropout=0.1):',
        '        super().__init__()',
        '        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)',
        '        self.bn1 = nn.BatchNorm2d(channels)',
        '        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)',
        '        self.bn2 = nn.BatchNorm2d(channels)',
        '        self.drop = nn.Dropout(dropout)',
        '',
        '    def forward(self, x):',
        '        out = F.relu(self.bn1(self.conv1(x)))',
        '        out = self.bn2(self.conv2(out))',
        '        return self.drop(F.relu(out + x))',
        '',
        'class Net(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.stem = nn.Conv2d(1, 32, 3, padding=1)',
        '        self.block1 = ResidualBlock(32)',
        '        self.block2 = ResidualBlock(32, dropout=0.2)',
        '        self.fc = nn.Linear(32, 10)',
        '',
        '    def forward(self, x):',
        '        x = F.relu(self.stem(x))',
        '        x = self.block2(self.block1(x))',
        '        x = F.adaptive_avg_pool2d(x, 1)',
        '        x = torch.flatten(x, 1)',
        '        return self.fc(x)',
        '',
        'train Net on digits { loss: categoricalCrossentropy }',
        '',
      ].join('\n');
      expect(check(file)[0].message).toBe('`class ResidualBlock(nn.Module)` is how PyTorch declares layers that Net (line 17) uses as one; dlnet declares them as a block: block ResidualBlock { ... }');
      const fixed = ide.fixAll(file, check).text;
      expect(fixed).toBe([
        'dataset digits = mnist()',
        '',
        'block ResidualBlock(channels, dropout = 0.1) {',
        '  residual {',
        '    conv2d(channels, 3, padding: same)',
        '    batchNorm()',
        '    relu()',
        '    conv2d(channels, 3, padding: same)',
        '    batchNorm()',
        '  }',
        '  relu()',
        '  dropout(dropout)',
        '}',
        '',
        'model Net {',
        '  input x: [28, 28, 1]',
        '  conv2d(32, 3, padding: same)',
        '  relu()',
        '  ResidualBlock(32)',
        '  ResidualBlock(32, dropout: 0.2)',
        '  globalAvgPool2d',
        '  flatten()',
        '  dense(10)',
        '}',
        '',
        'train Net on digits { loss: categoricalCrossentropy }',
        '',
      ].join('\n'));
      expect(check(fixed).filter((d) => d.severity === 'error')).toEqual([]);
      expect(analyze(fixed).models[0].layers.at(-1)?.outputShape).toEqual([10]);
    });

    it('reads the mean over an image\'s height and width as global average pooling, and nn.Identity as no layer', () => {
      const file = [
        'dataset digits = mnist()',
        'class Net(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.conv = nn.Conv2d(1, 16, 3, padding=1)',
        '        self.skip = nn.Identity()',
        '        self.fc = nn.Linear(16, 10)',
        '    def forward(self, x):',
        '        x = self.skip(F.relu(self.conv(x)))',
        '        x = x.mean(dim=(2, 3))',
        '        return F.softmax(self.fc(x), dim=-1)',
        'train Net on digits { loss: categoricalCrossentropy }',
        '',
      ].join('\n');
      const fixed = ide.fixAll(file, check).text;
      expect(fixed).toBe('dataset digits = mnist()\nmodel Net {\n  input x: [28, 28, 1]\n  conv2d(16, 3, padding: same)\n  relu()\n  globalAvgPool2d()\n  dense(10)\n  softmax(axis: -1)\n}\ntrain Net on digits { loss: categoricalCrossentropy }\n');
      expect(check(fixed)).toEqual([]);
      // Another mean is not read.
      expect(check(file.replace('x.mean(dim=(2, 3))', 'x.mean(dim=3)'))[0].message).toMatch(/Line 10 is not read \(x\.mean\(dim=3\) is a mean dlnet does not read\)/);
    });

    it('reads a view to an image, [channels, height, width] in PyTorch, as a reshape to dlnet\'s [height, width, channels]', () => {
      const file = [
        'dataset digits = mnist(flat: true)',
        'class Net(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.conv = nn.Conv2d(1, 8, 3)',
        '        self.fc = nn.Linear(8 * 26 * 26, 10)',
        '    def forward(self, x):',
        '        x = x.view(-1, 1, 28, 28)',
        '        x = F.relu(self.conv(x))',
        '        x = x.view(x.size(0), -1)',
        '        return F.log_softmax(self.fc(x), dim=1)',
        'train Net on digits { loss: nll_loss }',
        '',
      ].join('\n');
      const fixed = ide.fixAll(file, check).text;
      expect(fixed).toBe('dataset digits = mnist(flat: true)\nmodel Net {\n  input x: [784]\n  reshape([28, 28, 1])\n  conv2d(8, 3)\n  relu()\n  flatten()\n  dense(10)\n  softmax(axis: 0)\n}\ntrain Net on digits { loss: categoricalCrossentropy }\n');
      expect(check(fixed)).toEqual([]);
      // Sizes not written as numbers are not read.
      expect(check(file.replace('x.view(-1, 1, 28, 28)', 'x.view(-1, 1, size, size)'))[0].message).toMatch(/Line 8 is not read \(x\.view\(-1, 1, size, size\) is a reshape dlnet does not read\)/);
    });

    it('reads Keras\'s subclassing the same way: class MyModel(keras.Model) and its call', () => {
      const file = [
        'dataset digits = mnist(flat: true)',
        '',
        'class MyModel(tf.keras.Model):',
        '    def __init__(self, num_classes=10, **kwargs):',
        "        super(MyModel, self).__init__(name='my_model', **kwargs)",
        "        self.dense_1 = layers.Dense(32, activation='relu')",
        "        self.dense_2 = layers.Dense(32, activation='relu')",
        '        self.concat = layers.Concatenate(axis=-1)',
        '        self.dropout = layers.Dropout(0.5)',
        "        self.classifier = layers.Dense(num_classes, activation='softmax')",
        '',
        '    def call(self, inputs, training=False):',
        '        a = self.dense_1(inputs)',
        '        b = self.dense_2(inputs)',
        '        x = self.concat([a, b])',
        '        x = self.dropout(x, training=training)',
        '        return self.classifier(x)',
        '',
        'train MyModel on digits { loss: categoricalCrossentropy; epochs: 1 }',
        '',
      ].join('\n');
      expect(check(file)[0].message).toBe('`class MyModel(tf.keras.Model)` is how Keras declares a model; dlnet declares its layers in the order call applies them: model MyModel { ... }');
      // A merge layer applied to a list takes the tensors, its own arguments after them; `training` is dlnet's to know.
      const fixed = ide.fixAll(file, check).text;
      expect(fixed).toBe([
        'dataset digits = mnist(flat: true)',
        '',
        'model MyModel {',
        '  input x: [784]',
        '  a = dense(32, activation: relu)',
        '  b = x -> dense(32, activation: relu)',
        '  concat(a, b, axis: -1)',
        '  dropout(0.5)',
        '  dense(10, activation: softmax)',
        '}',
        '',
        'train MyModel on digits { loss: categoricalCrossentropy; epochs: 1 }',
        '',
      ].join('\n'));
      expect(check(fixed)).toEqual([]);
    });

    it('reads what a recurrent layer returns, unpacked: every step or the last, and num_layers stacked', () => {
      const stacked = [
        'dataset waves = sine()',
        'class LSTMModel(nn.Module):',
        '    def __init__(self, input_size=1, hidden_size=32, num_layers=2, output_size=1):',
        '        super(LSTMModel, self).__init__()',
        '        self.lstm = nn.LSTM(input_size, hidden_size, num_layers, batch_first=True)',
        '        self.fc = nn.Linear(hidden_size, output_size)',
        '    def forward(self, x):',
        '        out, _ = self.lstm(x)',
        '        out = self.fc(out[:, -1, :])',
        '        return out',
        'class GRUNet(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.gru1 = nn.GRU(1, 16, batch_first=True)',
        '        self.gru2 = nn.GRU(16, 16, batch_first=True)',
        '        self.head = nn.Linear(16, 1)',
        '    def forward(self, x):',
        '        x, _ = self.gru1(x)',
        '        _, h = self.gru2(x)',
        '        return self.head(h[-1])',
        'train LSTMModel on waves { loss: MSELoss }',
        'train GRUNet on waves { loss: MSELoss }',
        '',
      ].join('\n');
      // PyTorch's recurrent layers return every step: a layer whose steps the next one reads gives them in dlnet, one read at its last step does not.
      expect(ide.fixAll(stacked, check).text).toBe([
        'dataset waves = sine()',
        'model LSTMModel {',
        '  input x: [20, 1]',
        '  lstm(32, returnSequences: true)',
        '  lstm(32)',
        '  dense(1)',
        '}',
        'model GRUNet {',
        '  input x: [20, 1]',
        '  gru(16, returnSequences: true)',
        '  gru(16)',
        '  dense(1)',
        '}',
        'train LSTMModel on waves { loss: meanSquaredError }',
        'train GRUNet on waves { loss: meanSquaredError }',
        '',
      ].join('\n'));
      const classifier = [
        'class TextClassifier(nn.Module):',
        '    def __init__(self, vocab_size=1000, embed_dim=64, hidden_dim=128, num_classes=2):',
        '        super().__init__()',
        '        self.embedding = nn.Embedding(vocab_size, embed_dim)',
        '        self.lstm = nn.LSTM(embed_dim, hidden_dim, batch_first=True)',
        '        self.fc = nn.Linear(hidden_dim, num_classes)',
        '    def forward(self, x):',
        '        x = self.embedding(x)',
        '        _, (h, _) = self.lstm(x)',
        '        return self.fc(h[-1])',
        '',
      ].join('\n');
      expect(check(classifier)[0].fixes?.[0].edits[0].newText).toBe('model TextClassifier {\n  nn.Embedding(1000, 64)\n  nn.LSTM(64, 128, batch_first=True)\n  nn.Linear(128, 2)\n}');
    });

    it('names the tensors a merge takes and returns several as the output line, in the file\'s line breaks', () => {
      const two = [
        'class Two(nn.Module):',
        '    def __init__(self):',
        '        super().__init__()',
        '        self.a = nn.Linear(4, 8)',
        '        self.b = nn.Linear(4, 8)',
        '        self.c = nn.Linear(16, 1)',
        '    def forward(self, x):',
        '        h = torch.cat([F.relu(self.a(x)), torch.tanh(self.b(x))], dim=1)',
        '        return torch.sigmoid(self.c(h)), h',
      ].join('\r\n');
      const [error] = check(`${two}\r\n`);
      expect(error.fixes?.[0].edits[0].newText).toBe([
        'model Two {', '  nn.Linear(4, 8)', '  h = F.relu()', '  x -> nn.Linear(4, 8)', '  h2 = torch.tanh()', '  h3 = concat(h, h2)',
        '  nn.Linear(16, 1)', '  out = torch.sigmoid()', '  output out, h3', '}',
      ].join('\r\n'));
      // Its input, which PyTorch never declares, is the name the second branch starts from: not taken for a misspelt `h`.
      const fixed = ide.fixAll(`${two}\r\n`, check).text;
      expect(check(fixed).map((d) => d.message)).toContain('no tensor named `x` in Two, which declares no input; if it is the input, declare it first: `input x: [shape]`');
      expect(check(fixed.replace('model Two {\r\n', 'model Two {\r\n  input x: [4]\r\n')).filter((d) => d.severity === 'error')).toEqual([]);
    });
  });

  describe('a script pasted whole (tests/python/)', () => {
    const script = (name: string) => readFileSync(join(__dirname, 'python', name), 'utf8');
    /** Fix All, then Format, as the editor would; `checkWith`: the check, with a host where the script's data files are read. */
    const converted = (text: string, checkWith = check) => {
      const fixed = ide.fixAll(text, checkWith).text;
      return { diagnostics: checkWith(fixed), text: ide.format(fixed) ?? fixed };
    };

    it('Keras\'s "simple MNIST convnet": imports, constants and data loading go, the Sequential is the model, compile and fit the train statement', () => {
      const { diagnostics, text } = converted(script('keras-mnist-convnet.py'));
      expect(diagnostics).toEqual([]);
      expect(text).toBe([
        'model Model {',
        '  input x: [28, 28, 1]',
        '  conv2d(32, kernel: [3, 3], activation: relu)',
        '  maxPool2d(pool: [2, 2])',
        '  conv2d(64, kernel: [3, 3], activation: relu)',
        '  maxPool2d(pool: [2, 2])',
        '  flatten()',
        '  dropout(0.5)',
        '  dense(10, activation: softmax)',
        '}',
        '',
        'dataset mnist = mnist()',
        '',
        'train Model on mnist {',
        '  loss: categoricalCrossentropy',
        '  optimizer: adam',
        '  metrics: [accuracy]',
        '  batchSize: 128',
        '  epochs: 15',
        '  validationSplit: 0.1',
        '}',
        '',
      ].join('\n'));
    });

    it('Keras\'s autoencoder of MNIST: the functional model with the script\'s constant written in, its flattened images dlnet\'s flat MNIST, fit(x, x) the target: features', () => {
      const { diagnostics, text } = converted(script('keras-autoencoder.py'));
      expect(diagnostics).toEqual([]);
      expect(text).toBe([
        'model Autoencoder {',
        '  input input_img: [784]',
        '  encoded = input_img -> dense(32, activation: relu)',
        '  decoded = encoded -> dense(784, activation: sigmoid)',
        '}',
        '',
        'dataset mnist = mnist(flat: true)',
        '',
        'train Autoencoder on mnist {',
        '  target: features',
        '  optimizer: adam',
        '  loss: binaryCrossentropy',
        '  epochs: 50',
        '  batchSize: 256',
        '  shuffle: true',
        '}',
        '',
      ].join('\n'));
    });

    it('a Keras classifier of a CSV table read with pandas: the table is dlnet\'s csv source with the label column the script drops, its train_test_split the validationSplit', () => {
      const { diagnostics, text } = converted(script('keras-csv-heart.py'));
      expect(diagnostics).toEqual([]);
      expect(text).toBe([
        'model Model {',
        '  input x: [13]',
        '  dense(16, activation: relu)',
        '  dense(8, activation: relu)',
        '  dense(1, activation: sigmoid)',
        '}',
        '',
        'dataset heart = csv("heart.csv", label: "target")',
        '',
        'train Model on heart {',
        '  optimizer: adam',
        '  loss: binaryCrossentropy',
        '  metrics: [accuracy]',
        '  epochs: 50',
        '  batchSize: 16',
        '  validationSplit: 0.2',
        '}',
        '',
      ].join('\n'));
      // With the table beside it (13 number columns and a 0/1 target), it checks clean: the 0/1 column is yes/no classes under binaryCrossentropy.
      const header = [...Array.from({ length: 13 }, (_, i) => `f${i}`), 'target'].join(',');
      const rows = Array.from({ length: 20 }, (_, r) => [...Array.from({ length: 13 }, (_, i) => (r * 7 + i) % 11), r % 2].join(','));
      const table = new TextEncoder().encode([header, ...rows].join('\n'));
      expect(analyze(text, { host: { readFile: (p) => (p === 'heart.csv' ? table : undefined) } }).diagnostics).toEqual([]);
    });

    it("a Keras text classifier: TextVectorization adapted to a column is dlnet's csv reading that column as token ids, with its vocabulary and length; the input, declared from the data, takes int32 ids", () => {
      // The reviews of samples/14-text beside it, read as the check reads files.
      const table = readFileSync(join(__dirname, '..', 'samples', 'data', 'reviews.csv'));
      const host = { readFile: (p: string) => (p === 'reviews.csv' ? new Uint8Array(table) : undefined) };
      const onReviews = (name: string) => converted(script(name), (t: string) => analyze(t, { host }).diagnostics);
      const sequential = onReviews('keras-text-classification.py');
      expect(sequential.diagnostics).toEqual([]);
      expect(sequential.text).toContain('dataset reviews = csv("reviews.csv", label: "sentiment", text: "review", vocabulary: 10000, length: 100)');
      expect(sequential.text).toContain('model Model {\n  input x: [100] int32\n  embedding(10000, 16)\n  globalAvgPool1d()\n');
      // The functional form, with Embedding(mask_zero=True) (dlnet pads before the words: no mask, the fix takes it out) and compile's arguments by position.
      const functional = onReviews('keras-text-bidirectional.py');
      expect(functional.diagnostics).toEqual([]);
      expect(functional.text).toContain('  x = inputs -> embedding(20000, 128)\n  x = x -> bidirectional(lstm(64))\n');
      expect(functional.text).toContain('dataset reviews = csv("reviews.csv", label: "sentiment", text: "review", vocabulary: 20000, length: 200)');
      expect(functional.text).toContain('train Model on reviews {\n  optimizer: adam\n  loss: binaryCrossentropy\n  metrics: [accuracy]\n  batchSize: 32\n  epochs: 2\n');
      // The TextVectorization as the Sequential's first layer goes (the source reads the texts), and fit's y names the label column.
      const inModel = onReviews('keras-text-in-model.py');
      expect(inModel.diagnostics).toEqual([]);
      expect(inModel.text).toContain('model Model {\n  input x: [250] int32\n  embedding(10000, 16)\n  dropout(0.2)\n');
      expect(inModel.text).toContain('dataset reviews = csv("reviews.csv", label: "sentiment", text: "review", vocabulary: 10000, length: 250)');
    });

    it('an autoencoder of a table, fit(x, x) on every column: a csv source with no label column, trained on its features', () => {
      const table = new TextEncoder().encode(['a,b,c,d', '0.1,0.5,0.6,-0.4', '0.7,0.2,0.9,0.5', '0.3,0.3,0.6,0.0'].join('\n'));
      const host = { readFile: (p: string) => (p === 'sensors.csv' ? table : undefined) };
      const { diagnostics, text } = converted([
        'import pandas as pd',
        'from tensorflow import keras',
        '',
        'df = pd.read_csv("sensors.csv")',
        'x = df.values',
        '',
        'autoencoder = keras.Sequential([',
        '    keras.Input(shape=(4,)),',
        '    keras.layers.Dense(2, activation="relu"),',
        '    keras.layers.Dense(4),',
        '])',
        'autoencoder.compile(optimizer="adam", loss="mse")',
        'autoencoder.fit(x, x, epochs=30, validation_split=0.2)',
        '',
      ].join('\n'), (t: string) => analyze(t, { host }).diagnostics);
      expect(diagnostics).toEqual([]);
      expect(text).toContain('dataset sensors = csv("sensors.csv")\n\ntrain Autoencoder on sensors {\n  target: features\n');
    });

    it('a table read from a URL is read from the file of its name (dlnet downloads nothing); the label column popped; gaps filled with the mean; train_test_split\'s default quarter held out', () => {
      const { diagnostics, text } = converted([
        'import pandas as pd',
        'from sklearn.model_selection import train_test_split',
        'from tensorflow import keras',
        '',
        'df = pd.read_csv("https://example.org/data/wine-quality.csv?raw=1")',
        'df = df.fillna(df.mean())',
        'labels = df.pop("quality")',
        'x_train, x_val, y_train, y_val = train_test_split(df.values, labels.values)',
        '',
        'model = keras.Sequential([',
        '    keras.Input(shape=(11,)),',
        '    keras.layers.Dense(32, activation="relu"),',
        '    keras.layers.Dense(10, activation="softmax"),',
        '])',
        'model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])',
        'model.fit(x_train, y_train, epochs=30, validation_data=(x_val, y_val))',
        '',
      ].join('\n'));
      expect(diagnostics).toEqual([]);
      expect(text).toContain('dataset wine_quality = csv("wine-quality.csv", label: "quality", gaps: mean)\n\ntrain Model on wine_quality {');
      expect(text).toContain('  epochs: 30\n  validationSplit: 0.25\n}');
      expect(text).not.toMatch(/pd\.|train_test_split|df/);
    });

    it('Keras\'s callbacks are train settings: EarlyStopping keeping the best weights and ReduceLROnPlateau with dlnet\'s names, the statements that made them gone, ModelCheckpoint said to be what each run does', () => {
      const text = script('keras-callbacks.py');
      const fit = check(text).find((d) => d.message.includes('are how Keras trains a model'));
      expect(fit?.message).toMatch(/; ModelCheckpoint: each run saves its model \(earlyStopping\(restoreBest: true\) keeps the best epoch's\)$/);
      const { diagnostics, text: dlnet } = converted(text);
      expect(diagnostics).toEqual([]);
      expect(dlnet).toContain([
        'train Model on mnist {',
        '  optimizer: adam',
        '  loss: categoricalCrossentropy',
        '  metrics: [accuracy]',
        '  batchSize: 64',
        '  epochs: 50',
        '  validationSplit: 0.1',
        '  earlyStopping: earlyStopping(monitor: val_acc, patience: 4, restoreBest: true)',
        '  schedule: reduceOnPlateau(monitor: val_loss, factor: 0.2, patience: 2, minRate: 1e-5)',
        '}',
      ].join('\n'));
      expect(dlnet).not.toMatch(/EarlyStopping|ReduceLROnPlateau|ModelCheckpoint|early_stopping|reduce_lr|checkpoint/);
    });

    it('PyTorch\'s AdamW is adamw with its weight decay; SGD with momentum and weight_decay is momentum with weightDecay', () => {
      const adamw = converted(script('pytorch-mnist.py').replace('optimizer = optim.Adadelta(model.parameters(), lr=args.lr)', 'optimizer = optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.05)'));
      expect(adamw.diagnostics).toEqual([]);
      expect(adamw.text).toContain('  optimizer: adamw(learningRate: 1e-3, weightDecay: 0.05)\n');
      const sgd = converted(script('pytorch-mnist.py').replace('optimizer = optim.Adadelta(model.parameters(), lr=args.lr)', 'optimizer = optim.SGD(model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-4)'));
      expect(sgd.diagnostics).toEqual([]);
      expect(sgd.text).toContain('  optimizer: momentum(learningRate: 0.1, momentum: 0.9, weightDecay: 5e-4)\n');
    });

    it('PyTorch\'s ReduceLROnPlateau is reduceOnPlateau, its mode and relative threshold left out', () => {
      const text = script('pytorch-mnist.py')
        .replace('from torch.optim.lr_scheduler import StepLR', 'from torch.optim.lr_scheduler import ReduceLROnPlateau')
        .replace('scheduler = StepLR(optimizer, step_size=1, gamma=args.gamma)', "scheduler = ReduceLROnPlateau(optimizer, 'min', factor=0.5, patience=2, threshold=0.001)")
        .replace('scheduler.step()', 'scheduler.step(test_loss)');
      const { diagnostics, text: dlnet } = converted(text);
      expect(diagnostics).toEqual([]);
      expect(dlnet).toContain('  schedule: reduceOnPlateau(factor: 0.5, patience: 2)\n');
      // It watches val_loss: the fix of the check that it is logged holds data out.
      expect(dlnet).toContain('  validationSplit: 0.2\n');
    });

    it('a table\'s feature columns selected by name (`X = df[["Pclass", "Sex", "Fare"]]`) are the csv source\'s features', () => {
      const { diagnostics, text } = converted([
        'import pandas as pd',
        'from tensorflow import keras',
        '',
        'df = pd.read_csv("titanic.csv")',
        'X = df[["Pclass", "Sex", "Fare"]]',
        'y = df["Survived"]',
        '',
        'model = keras.Sequential([keras.Input(shape=(4,)), keras.layers.Dense(1, activation="sigmoid")])',
        'model.compile(optimizer="adam", loss="binary_crossentropy")',
        'model.fit(X, y, epochs=10, validation_split=0.2)',
        '',
      ].join('\n'));
      expect(diagnostics).toEqual([]);
      expect(text).toContain('dataset titanic = csv("titanic.csv", label: "Survived", features: ["Pclass", "Sex", "Fare"])\n\ntrain Model on titanic {');
    });

    it('PyTorch\'s MNIST example: its training functions and entry are one train statement, with the values its command line defaults to', () => {
      const { diagnostics, text } = converted(script('pytorch-mnist.py'));
      expect(diagnostics).toEqual([]);
      expect(text).toBe([
        ...MNIST_NET,
        '',
        'dataset mnist = mnist()',
        '',
        'train Net on mnist {',
        '  loss: categoricalCrossentropy',
        // PyTorch's Adadelta decays and starts as dlnet's does not by default: its values are written.
        '  optimizer: adadelta(learningRate: 1.0, rho: 0.9, epsilon: 1e-6)',
        '  epochs: 14',
        '  batchSize: 64',
        '  seed: 1',
        '  schedule: exponentialDecay(0.7)',
        '}',
        '',
      ].join('\n'));
    });

    it('Keras\'s functional API guide: its flattened data is mnist(flat: true), and a loss from logits gets the softmax it needs', () => {
      const { diagnostics, text } = converted(script('keras-functional-mnist.py'));
      expect(text).toBe([
        'model MnistModel {',
        '  input inputs: [784]',
        '  x = inputs -> dense(64, activation: relu)',
        '  x = x -> dense(64, activation: relu)',
        // `SparseCategoricalCrossentropy(from_logits=True)`: the model ends without a softmax, which dlnet's losses take.
        '  outputs = x -> dense(10, activation: softmax)',
        '}',
        '',
        'dataset mnist = mnist(flat: true)',
        '',
        'train MnistModel on mnist {',
        // dlnet's MNIST labels are one-hot.
        '  loss: categoricalCrossentropy',
        '  optimizer: rmsprop()',
        '  metrics: [accuracy]',
        '  batchSize: 64',
        '  epochs: 2',
        '  validationSplit: 0.2',
        '}',
        '',
      ].join('\n'));
      expect(diagnostics).toEqual([]);
    });

    it('a tutorial written at the top level (pytorch-tutorial\'s feedforward network): the model made with the script\'s sizes, images it flattens as flat MNIST', () => {
      const { diagnostics, text } = converted(script('pytorch-tutorial-feedforward.py'));
      expect(text).toBe([
        '# Fully connected neural network with one hidden layer',
        'model NeuralNet {',
        '  input x: [784]',
        // `NeuralNet(input_size, hidden_size, num_classes)`, with the script's constants.
        '  dense(500)',
        '  relu()',
        // PyTorch's CrossEntropyLoss takes logits: dlnet's categoricalCrossentropy, the softmax's probabilities.
        '  dense(10, activation: softmax)',
        '}',
        '',
        'dataset mnist = mnist(flat: true)',
        '',
        'train NeuralNet on mnist {',
        '  loss: categoricalCrossentropy',
        '  optimizer: adam(learningRate: 0.001)',
        '  epochs: 5',
        '  batchSize: 100',
        '}',
        '',
      ].join('\n'));
      expect(diagnostics).toEqual([]);
    });

    it('TensorFlow\'s beginner quickstart: a loss made before compile, predictions looked at, an input of [28, 28] flattened as MNIST\'s [28, 28, 1]', () => {
      const { diagnostics, text } = converted(script('tensorflow-quickstart.py'));
      expect(text).toContain([
        'model Model {',
        // Flattened first: the data's [28, 28, 1] gives the same 784 values.
        '  input x: [28, 28, 1]',
        '  flatten()',
        '  dense(128, activation: relu)',
        '  dropout(0.2)',
        // `loss_fn = SparseCategoricalCrossentropy(from_logits=True)`, then `loss=loss_fn`.
        '  dense(10, activation: softmax)',
        '}',
      ].join('\n'));
      expect(text).toContain('dataset mnist = mnist()\n\ntrain Model on mnist {\n  optimizer: adam\n  loss: categoricalCrossentropy\n  metrics: [accuracy]\n  epochs: 5\n}\n');
      // A model wrapped for its predictions (`Sequential([model, Softmax()])`) and its use are only offered for removal.
      expect(diagnostics.map((d) => d.message)).toEqual([
        "Python statements (lines 25–28); dlnet has none outside its declarations: a dataset, model, block or train statement",
        "Python statements (line 30); dlnet has none outside its declarations: a dataset, model, block or train statement",
      ]);
    });

    it('TensorFlow\'s Fashion-MNIST tutorial: its data is the IDX files it comes in, read gzipped beside the .dlnet file, its class names the classes\'; the rest as for MNIST', () => {
      // The files as the host gives them, unpacked (runtime/files.ts unpacks the .gz): 3 images of 28x28, 3 labels.
      const images = new Uint8Array(16 + 3 * 784);
      new DataView(images.buffer).setUint32(0, 0x803);
      [3, 28, 28].forEach((n, i) => new DataView(images.buffer).setUint32(4 + 4 * i, n));
      const labels = new Uint8Array([0, 0, 8, 1, 0, 0, 0, 3, 9, 0, 3]);
      const files: Record<string, Uint8Array> = { 'train-images-idx3-ubyte.gz': images, 'train-labels-idx1-ubyte.gz': labels };
      const host = { readFile: (p: string) => files[p] };
      const text = script('tensorflow-fashion-mnist.py');
      const load = check(text).find((d) => d.message.startsWith('Python that loads and prepares Fashion-MNIST'));
      expect(load?.message).toMatch(/download train-images-idx3-ubyte\.gz and train-labels-idx1-ubyte\.gz \(and t10k-images-idx3-ubyte\.gz and t10k-labels-idx1-ubyte\.gz, its test split\) beside the \.dlnet file, dlnet downloads nothing$/);
      const { diagnostics, text: dlnet } = converted(text, (t: string) => analyze(t, { host }).diagnostics);
      expect(diagnostics).toEqual([]);
      expect(dlnet).toBe([
        'model Model {',
        '  input x: [28, 28, 1]',
        '  flatten()',
        '  dense(128, activation: relu)',
        '  dense(10, activation: softmax)',
        '}',
        '',
        // The tutorial's class_names, for the confusion matrix and the panel.
        'dataset fashion_mnist = idx(images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz", names: ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"])',
        '',
        'train Model on fashion_mnist {',
        '  optimizer: adam',
        '  loss: categoricalCrossentropy',
        '  metrics: [accuracy]',
        '  epochs: 10',
        '}',
        '',
      ].join('\n'));
      // Validated on its test split, as the tutorial evaluates on it: that split is a dataset too, its own files.
      const validated = converted(text.replace('model.fit(train_images, train_labels, epochs=10)', 'model.fit(train_images, train_labels, epochs=10, validation_data=(test_images, test_labels))'), (t: string) => analyze(t, { host: { readFile: (p: string) => files[p.replace('t10k', 'train')] } }).diagnostics);
      expect(validated.diagnostics).toEqual([]);
      expect(validated.text).toContain('dataset fashion_mnistTest = idx(images: "t10k-images-idx3-ubyte.gz", labels: "t10k-labels-idx1-ubyte.gz", names: ["T-shirt/top", ');
      expect(validated.text).toContain('  epochs: 10\n  validation: fashion_mnistTest\n}');
    });

    it('PyTorch\'s CIFAR-10 tutorial: data dlnet has no source of is named for the user to declare; the loss waits for the model\'s output', () => {
      const { diagnostics, text } = converted(script('pytorch-cifar10-tutorial.py'));
      expect(text).toContain('train Net on data {\n  loss: CrossEntropyLoss\n  optimizer: momentum(learningRate: 0.001, momentum: 0.9)\n  epochs: 2\n  batchSize: 4\n}\n');
      expect(text).not.toMatch(/import|torch|trainloader/);
      // What is left is the user's to say: the data (CIFAR-10 as files), then the input it gives and the softmax CrossEntropyLoss means.
      expect(diagnostics.map((d) => `${d.code}: ${d.message}`)).toEqual([
        'invalid-shape: model Net has no input: start its body with `input name: [shape]`',
        'invalid-shape: conv2d has no input: declare one first, such as `input image: [28, 28, 1]`',
        'unknown-name: no dataset named data',
        "invalid-argument: unknown loss 'CrossEntropyLoss' for 'loss'; did you mean 'categoricalCrossentropy'?",
      ]);
      // Data declared (MNIST standing in for CIFAR-10's files), Fix All then declares the input, and the loss comes with the softmax.
      const trained = ide.fixAll(`dataset data = mnist()\n${text}`, check).text;
      expect(check(trained)).toEqual([]);
      expect(trained).toContain('model Net {\n  input x: [28, 28, 1]\n');
      expect(trained).toContain('  dense(10, activation: softmax)\n}');
      expect(trained).toContain('  loss: categoricalCrossentropy\n');
    });

    it('removes unasked only what loses nothing: a function that is not training code is left, its removal offered', () => {
      const text = 'import numpy as np\n\ndef plot(history):\n    plt.plot(history)\n';
      const fixed = ide.fixAll(text, check).text;
      expect(fixed).toBe('\ndef plot(history):\n    plt.plot(history)\n');
      const [error] = check(fixed);
      expect(error.message).toBe('`def plot(...)` is a Python function (lines 2–3); dlnet has none: write what it does as a dataset, model, block or train statement');
      expect(error.fixes).toEqual([{ title: 'Remove the function plot', edits: [{ range: { start: { line: 1, character: 0 }, end: { line: 3, character: 0 } }, newText: '' }] }]);
    });
  });

  it('turns a Sequential model pasted from Keras or PyTorch into a model declaration, its layers indented as dlnet writes them', () => {
    const keras = [
      'model = keras.Sequential([',
      '    layers.Dense(64, activation="relu", input_shape=(784,)),',
      '    layers.Dropout(0.2),',
      '    layers.Dense(10, activation="softmax"),',
      '])',
      '',
    ].join('\n');
    const fromKeras = ide.fixAll(keras, check).text;
    expect(fromKeras).toBe('model Model {\n  input x: [784]\n  dense(64, activation: relu)\n  dropout(0.2)\n  dense(10, activation: softmax)\n}\n');
    expect(check(fromKeras).map((d) => d.code)).toEqual(['unused']);
    // PyTorch's takes its layers as arguments; two on a line stay on it, with a ';'. PyTorch declares no input size.
    const torch = 'net = nn.Sequential(\n    nn.Flatten(),\n    nn.Linear(28 * 28, 128), nn.ReLU(),\n    nn.Linear(128, 10),\n)\n';
    const fromTorch = ide.fixAll(torch, check).text;
    expect(fromTorch).toBe('model Net {\n  flatten()\n  dense(128); relu()\n  dense(10)\n}\n');
    expect(check(fromTorch).filter((d) => d.severity === 'error').map((d) => d.message)).toEqual([
      'model Net has no input: start its body with `input name: [shape]`',
      'flatten has no input: declare one first, such as `input x: [2]`',
    ]);
    // Built up with model.add(...), a layer a line: the layers move into the body.
    const added = "model = Sequential()\nmodel.add(Dense(64, activation='relu', input_dim=20))\nmodel.add(Dropout(0.5))  # regularise\n\nmodel.add(Dense(10, activation='softmax'))\n";
    expect(ide.fixAll(added, check).text).toBe('model Model {\n  input x: [20]\n  dense(64, activation: relu)\n  dropout(0.5)  # regularise\n  dense(10, activation: softmax)\n}\n');
    // A call over several lines (a comment inside it, a comma ending its last argument, CRLF) is one layer, on one line.
    const continued = added.replace("model.add(Dropout(0.5))", "model.add(Dense(\n    32,  # hidden\n    activation='relu',\n))\nmodel.add(Dropout(0.5))").replace(/\n/g, '\r\n');
    expect(ide.fixAll(continued, check).text).toBe('model Model {\n  input x: [20]\n  dense(64, activation: relu)\n  dense(32, activation: relu)\n  dropout(0.5)  # regularise\n  dense(10, activation: softmax)\n}\n'.replace(/\n/g, '\r\n'));
    // Below a declaration, where the train statement already names it.
    const below = 'dataset d = mnist(flat: true)\n\nnet = nn.Sequential(\n    nn.Linear(784, 128), nn.ReLU(),\n    nn.Linear(128, 10),\n)\n\ntrain Net on d { loss: categoricalCrossentropy }\n';
    // Its input is declared from the dataset that trains it: PyTorch's code never says it.
    expect(ide.fixAll(below, check).text).toBe('dataset d = mnist(flat: true)\n\nmodel Net {\n  input x: [784]\n  dense(128); relu()\n  dense(10)\n}\n\ntrain Net on d { loss: categoricalCrossentropy }\n');
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
    // Model(...) over several lines, with a comment: the same model.
    const split = keras.replace('model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")', 'model = keras.Model(\n    inputs=inputs,  # the input\n    outputs=outputs, name="mnist_model",\n)');
    const error = check(split).find((d) => d.message.includes('closes a model'))!;
    expect(error.range).toEqual({ start: { line: 3, character: 0 }, end: { line: 6, character: 1 } });
    expect(ide.fixAll(split, check).text).toBe(fixed);
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
