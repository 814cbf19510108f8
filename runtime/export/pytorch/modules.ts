/**
 * One PyTorch constructor per catalogue layer, the PyTorch twin of compile/rules.ts.
 * The table's type, Record<LayerName, TorchRule>, makes the build fail when a layer is
 * added to the catalogue without a way to export it. Each rule writes a Python
 * expression that builds the layer from dlnet_torch/layers.py.
 */
import { axisWithBatch as torchAxis, headSize, marginsOf, pairOf as pair, positionCount, reshapeTarget, type Args, type Choice, type LayerArg, type LayerName, type Shape } from '../../../dsl';
import { py, pyInit } from './python';

/** The layer's bound arguments and the shapes of its inputs (batch axis excluded). */
type TorchRule = (args: Args, inputs: Shape[], name: string) => string;

const choice = (args: Args, key: string) => args[key] as Choice | undefined;
const last = (s: Shape) => s[s.length - 1];
const act = (args: Args) => py(choice(args, 'activation')?.name ?? 'linear');
const padding = (args: Args) => py(choice(args, 'padding')?.name ?? 'valid');

/** Keyword arguments shared by layers with a kernel. */
const kernelOptions = (args: Args) => `activation=${act(args)}, bias=${py(args.useBias ?? true)}, init=${pyInit(choice(args, 'init'))}${regularizer(args)}`;

function regularizer(args: Args): string {
  const r = choice(args, 'kernelRegularizer');
  if (!r) return '';
  const rates = r.name === 'l1' ? [r.args.rate, 0] : r.name === 'l2' ? [0, r.args.rate] : [r.args.l1, r.args.l2];
  return `, regularizer=(${py(rates[0])}, ${py(rates[1])})`;
}

const conv = (dims: 1 | 2): TorchRule => (args, [x]) => {
  const take = (v: unknown) => py(pair(v).slice(0, dims));
  return `dl.Conv(${dims}, ${py(last(x))}, ${py(args.filters)}, ${take(args.kernel)}, ${take(args.strides)}, ${padding(args)}, dilation=${take(args.dilation)}, ${kernelOptions(args)})`;
};

const pool = (dims: 1 | 2, kind: 'max' | 'avg'): TorchRule => (args) => {
  const size = pair(args.pool).slice(0, dims);
  const strides = args.strides === undefined ? size : pair(args.strides).slice(0, dims);
  return `dl.Pool(${dims}, ${py(kind)}, ${py(size)}, ${py(strides)}, ${padding(args)})`;
};

const recurrent = (cell: 'simpleRnn' | 'lstm' | 'gru'): TorchRule => (args, [x]) =>
  `dl.Recurrent(${py(cell)}, ${py(last(x))}, ${py(args.units)}, activation=${act(args)}, recurrent_activation=${py(choice(args, 'recurrentActivation')?.name ?? 'sigmoid')}, ` +
  `return_sequences=${py(args.returnSequences)}, init=${pyInit(choice(args, 'init'))}, recurrent_init=${pyInit(choice(args, 'recurrentInit') ?? { name: 'orthogonal', args: {} })}, ` +
  `dropout=${py(args.dropout ?? 0)}, recurrent_dropout=${py(args.recurrentDropout ?? 0)})`;

/** An activation layer; `extra` writes its arguments, if it has any. */
const named = (name: string, extra: (args: Args) => string = () => ''): TorchRule => (args) => `dl.Activation(${py(name)}${extra(args)})`;
const merge = (kind: string): TorchRule => () => `dl.Merge(${py(kind)})`;

/** Builds the layer a bidirectional or timeDistributed wraps. */
const inner = (args: Args, input: Shape, name: string) => {
  const l = args.layer as LayerArg;
  return torchModules[l.layer as LayerName](l.args, [input], name);
};

export const torchModules: Record<LayerName, TorchRule> = {
  dense: (args, [x]) => `dl.Dense(${py(last(x))}, ${py(args.units)}, ${kernelOptions(args)}, bias_init=${pyInit(choice(args, 'biasInit') ?? { name: 'zeros', args: {} })})`,
  flatten: () => 'dl.Flatten()',
  reshape: (args) => `dl.Reshape(${py(reshapeTarget(args.shape as Shape))})`,
  permute: (args) => `dl.Permute(${py(args.dims)})`,
  repeatVector: (args) => `dl.RepeatVector(${py(args.n)})`,
  embedding: (args) => `dl.Embedding(${py(args.inputDim)}, ${py(args.outputDim)}, init=${pyInit(choice(args, 'init') ?? { name: 'randomUniform', args: {} })})`,

  relu: named('relu'),
  leakyRelu: named('leakyRelu', (args) => `, alpha=${py(args.alpha)}`),
  elu: named('elu', (args) => `, alpha=${py(args.alpha)}`),
  selu: named('selu'),
  gelu: named('gelu'),
  tanh: named('tanh'),
  sigmoid: named('sigmoid'),
  softmax: named('softmax', (args) => `, axis=${py(torchAxis(args.axis as number))}`),
  softplus: named('softplus'),
  swish: named('swish'),

  dropout: (args) => `dl.Dropout(${py(args.rate)})`,
  spatialDropout1d: (args) => `dl.Dropout(${py(args.rate)}, spatial=True)`,
  spatialDropout2d: (args) => `dl.Dropout(${py(args.rate)}, spatial=True)`,
  gaussianNoise: (args) => `dl.Dropout(noise=${py(args.stddev)})`,
  batchNorm: (args, [x]) => {
    const axis = args.axis as number;
    return `dl.BatchNorm(${py(x[axis < 0 ? x.length + axis : axis])}, axis=${py(torchAxis(axis))}, momentum=${py(args.momentum)}, epsilon=${py(args.epsilon)})`;
  },
  layerNorm: (args, [x]) => {
    const axis = args.axis as number;
    return `dl.LayerNorm(${py(x[axis < 0 ? x.length + axis : axis])}, axis=${py(torchAxis(axis))}, epsilon=${py(args.epsilon)})`;
  },

  conv1d: conv(1),
  conv2d: conv(2),
  conv2dTranspose: (args, [x]) => `dl.ConvTranspose2d(${py(last(x))}, ${py(args.filters)}, ${py(pair(args.kernel))}, ${py(pair(args.strides))}, ${padding(args)}, ${kernelOptions(args)})`,
  depthwiseConv2d: (args, [x]) => `dl.DepthwiseConv2d(${py(last(x))}, ${py(pair(args.kernel))}, ${py(pair(args.strides))}, ${padding(args)}, depth_multiplier=${py(args.depthMultiplier)}, activation=${act(args)}, bias=${py(args.useBias ?? true)}, init=${pyInit(choice(args, 'init'))})`,
  separableConv2d: (args, [x]) => `dl.SeparableConv2d(${py(last(x))}, ${py(args.filters)}, ${py(pair(args.kernel))}, ${py(pair(args.strides))}, ${padding(args)}, depth_multiplier=${py(args.depthMultiplier)}, activation=${act(args)}, bias=${py(args.useBias ?? true)}, init=${pyInit(choice(args, 'init'))})`,
  upSampling2d: (args) => `dl.UpSampling2d(${py(pair(args.size))})`,
  zeroPadding2d: (args) => `dl.ZeroPadding2d(${py(marginsOf(args.padding))})`,
  cropping2d: (args) => `dl.Cropping2d(${py(marginsOf(args.cropping))})`,

  maxPool1d: pool(1, 'max'),
  maxPool2d: pool(2, 'max'),
  avgPool1d: pool(1, 'avg'),
  avgPool2d: pool(2, 'avg'),
  globalAvgPool1d: () => "dl.GlobalPool('avg')",
  globalAvgPool2d: () => "dl.GlobalPool('avg')",
  globalMaxPool1d: () => "dl.GlobalPool('max')",
  globalMaxPool2d: () => "dl.GlobalPool('max')",

  simpleRnn: recurrent('simpleRnn'),
  lstm: recurrent('lstm'),
  gru: recurrent('gru'),
  bidirectional: (args, [x], name) => {
    const layer = inner(args, x, `${name}_inner`);
    return `dl.Bidirectional(${layer}, ${layer}, ${py(`${name}_inner`)}, merge=${py(choice(args, 'mergeMode')?.name ?? 'concat')})`;
  },
  timeDistributed: (args, [x], name) => `dl.TimeDistributed(${inner(args, x.slice(1), `${name}_inner`)})`,

  add: merge('add'),
  subtract: merge('subtract'),
  multiply: merge('multiply'),
  average: merge('average'),
  maximum: merge('maximum'),
  concat: (args) => `dl.Merge('concat', axis=${py(torchAxis(args.axis as number))})`,
  dot: (args) => {
    const axes = Array.isArray(args.axes) ? (args.axes as number[]) : [args.axes as number, args.axes as number];
    return `dl.Merge('dot', axes=${py(axes.map(torchAxis))}, normalize=${py(args.normalize)})`;
  },

  roiAlign: (args) => `dl.RoiAlign(${py(pair(args.size))})`,
  primaryCaps: (args, [x]) => `dl.PrimaryCaps(${py(last(x))}, ${py(args.capsules)}, ${py(args.dim)}, ${py(pair(args.kernel))}, ${py(pair(args.strides))})`,
  positionEmbedding: (args, [x]) => `dl.PositionEmbedding(${py(positionCount(x, args))}, ${py(last(x))})`,
  selfAttention: (args, [x]) => `dl.SelfAttention(${py(last(x))}, ${py(args.heads)}, ${py(headSize(x, args))}, causal=${py(args.causal)})`,
  capsules: (args, [x]) => `dl.Capsules(${py(x[0])}, ${py(x[1])}, ${py(args.count)}, ${py(args.dim)}, ${py(args.routing)})`,
  capsuleLength: () => 'dl.CapsuleLength()',
};
