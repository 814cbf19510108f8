/**
 * One compile rule per catalogue layer. The table's type, Record<LayerName, Rule>,
 * makes the compiler refuse to build when a layer is added to the catalogue without
 * a rule here.
 */
import { axisWithBatch, headSize, marginsOf, pairOf as pair, positionCount, reshapeTarget, type Args, type Choice, type LayerArg, type LayerName, type Shape } from '../../dsl';
import { AxisSoftmax, CapsuleLength, Capsules, PrimaryCaps, RoiAlign, SeparableConv2d, SpatialDropout2d, Subtract } from '../layers/custom';
import { PositionEmbedding, SelfAttention } from '../layers/attention';
import { LayerNorm } from '../layers/layer-norm';
import { tfl } from '../tf';
import { Dropout, SpatialDropout1D } from '../layers/dropout';
import { FusableLSTM } from '../layers/fused-lstm';
import { Conv1d, Conv2d } from '../layers/dilated-conv';

type Layer = InstanceType<typeof tfl.layers.Layer>;

export interface RuleContext {
  /** A fresh seed per weight initialiser, derived from the train seed. */
  seed(): number;
  /** The shapes of the node's inputs, batch axis left out, as the checker inferred them. */
  inputs: Shape[];
}

type Rule = (args: Args, name: string, ctx: RuleContext) => Layer;

const choice = (args: Args, key: string) => args[key] as Choice | undefined;
const activation = (args: Args) => choice(args, 'activation')?.name as 'relu';

/**
 * tfjs's orthogonal initialiser, without its console warning ("Slowness may result")
 * above 2,000 values: every LSTM with 12 units or more printed it, while the QR behind
 * it takes milliseconds at that size. It still warns above a million values.
 */
function quietOrthogonal(seed: number) {
  const init = tfl.initializers.orthogonal({ seed });
  (init as unknown as { ELEMENTS_WARN_SLOW: number }).ELEMENTS_WARN_SLOW = 1_000_000;
  return init;
}

/** A value-table initialiser as a tfjs initialiser with its own seed. */
export function initializer(c: Choice | undefined, ctx: RuleContext) {
  const seed = ctx.seed();
  const a = c?.args ?? {};
  switch (c?.name ?? 'glorotUniform') {
    case 'glorotUniform': return tfl.initializers.glorotUniform({ seed });
    case 'glorotNormal': return tfl.initializers.glorotNormal({ seed });
    case 'heNormal': return tfl.initializers.heNormal({ seed });
    case 'heUniform': return tfl.initializers.heUniform({ seed });
    case 'lecunNormal': return tfl.initializers.leCunNormal({ seed });
    case 'lecunUniform': return tfl.initializers.leCunUniform({ seed });
    case 'orthogonal': return quietOrthogonal(seed);
    case 'zeros': return tfl.initializers.zeros();
    case 'ones': return tfl.initializers.ones();
    case 'randomNormal': return tfl.initializers.randomNormal({ mean: a.mean as number, stddev: a.stddev as number, seed });
    case 'randomUniform': return tfl.initializers.randomUniform({ minval: a.minval as number, maxval: a.maxval as number, seed });
    case 'truncatedNormal': return tfl.initializers.truncatedNormal({ mean: a.mean as number, stddev: a.stddev as number, seed });
    default: throw new Error(`no initialiser ${c?.name}`);
  }
}

function regularizer(c: Choice | undefined) {
  if (!c) return undefined;
  const rate = c.args.rate as number;
  switch (c.name) {
    case 'l1': return tfl.regularizers.l1({ l1: rate });
    case 'l2': return tfl.regularizers.l2({ l2: rate });
    default: return tfl.regularizers.l1l2({ l1: c.args.l1 as number, l2: c.args.l2 as number });
  }
}

const weights = (args: Args, ctx: RuleContext) => ({
  activation: activation(args),
  kernelInitializer: initializer(choice(args, 'init'), ctx),
  useBias: args.useBias as boolean,
  kernelRegularizer: regularizer(choice(args, 'kernelRegularizer')),
});

const padding = (args: Args) => (choice(args, 'padding')?.name ?? 'valid') as 'valid' | 'same';

const recurrent = (make: typeof tfl.layers.lstm, gated: boolean): Rule => (args, name, ctx) => make({
  name, units: args.units as number, activation: activation(args), returnSequences: args.returnSequences as boolean,
  kernelInitializer: initializer(choice(args, 'init'), ctx), recurrentInitializer: initializer(choice(args, 'recurrentInit'), ctx),
  dropout: args.dropout as number, recurrentDropout: args.recurrentDropout as number,
  ...(gated ? { recurrentActivation: choice(args, 'recurrentActivation')?.name as 'sigmoid' } : {}),
});

const pool = (make: typeof tfl.layers.maxPooling2d, dims: 1 | 2): Rule => (args, name) => {
  const size = pair(args.pool);
  const strides = args.strides === undefined ? size : pair(args.strides);
  return dims === 2
    ? make({ name, poolSize: size, strides, padding: padding(args) })
    : (make as unknown as typeof tfl.layers.maxPooling1d)({ name, poolSize: size[0], strides: strides[0], padding: padding(args) });
};

const activationLayer = (act: string): Rule => (_args, name) => tfl.layers.activation({ name, activation: act as 'relu' });

export const rules: Record<LayerName, Rule> = {
  dense: (args, name, ctx) => tfl.layers.dense({ name, units: args.units as number, ...weights(args, ctx), biasInitializer: initializer(choice(args, 'biasInit'), ctx) }),
  // tfjs's Flatten refuses what is flat already ([n]); the checker and Keras take it, as the identity it is.
  flatten: (_args, name, ctx) => {
    const [x] = ctx.inputs;
    if (x?.length !== 1) return tfl.layers.flatten({ name });
    return tfl.layers.reshape({ name, targetShape: [typeof x[0] === 'number' ? x[0] : -1] });
  },
  reshape: (args, name) => tfl.layers.reshape({ name, targetShape: reshapeTarget(args.shape as Shape) }),
  permute: (args, name) => tfl.layers.permute({ name, dims: args.dims as number[] }),
  repeatVector: (args, name) => tfl.layers.repeatVector({ name, n: args.n as number }),
  embedding: (args, name, ctx) => tfl.layers.embedding({ name, inputDim: args.inputDim as number, outputDim: args.outputDim as number, embeddingsInitializer: initializer(choice(args, 'init'), ctx) }),

  relu: (_args, name) => tfl.layers.reLU({ name }),
  leakyRelu: (args, name) => tfl.layers.leakyReLU({ name, alpha: args.alpha as number }),
  elu: (args, name) => tfl.layers.elu({ name, alpha: args.alpha as number }),
  selu: activationLayer('selu'),
  gelu: activationLayer('gelu'),
  tanh: activationLayer('tanh'),
  sigmoid: activationLayer('sigmoid'),
  // tfjs's Softmax layer defaults to axis 1 (Keras: -1), which its kernel refuses on sequences and images: -1 said outright.
  softmax: (args, name) => ((args.axis as number) === -1 ? tfl.layers.softmax({ name, axis: -1 }) : new AxisSoftmax({ name, axis: axisWithBatch(args.axis as number) }) as unknown as Layer),
  softplus: activationLayer('softplus'),
  swish: activationLayer('swish'),

  dropout: (args, name, ctx) => new Dropout({ name, rate: args.rate as number, seed: ctx.seed() }) as Layer,
  spatialDropout1d: (args, name, ctx) => new SpatialDropout1D({ name, rate: args.rate as number, seed: ctx.seed() }) as Layer,
  spatialDropout2d: (args, name, ctx) => new SpatialDropout2d({ name, rate: args.rate as number, seed: ctx.seed() }) as unknown as Layer,
  gaussianNoise: (args, name) => tfl.layers.gaussianNoise({ name, stddev: args.stddev as number }),
  batchNorm: (args, name) => tfl.layers.batchNormalization({ name, axis: axisWithBatch(args.axis as number), momentum: args.momentum as number, epsilon: args.epsilon as number }),
  layerNorm: (args, name) => new LayerNorm({ name, axis: axisWithBatch(args.axis as number), epsilon: args.epsilon as number }),

  conv1d: (args, name, ctx) => new Conv1d({ name, filters: args.filters as number, kernelSize: pair(args.kernel)[0], strides: pair(args.strides)[0], padding: padding(args), dilationRate: pair(args.dilation)[0], ...weights(args, ctx) }),
  conv2d: (args, name, ctx) => new Conv2d({ name, filters: args.filters as number, kernelSize: pair(args.kernel), strides: pair(args.strides), padding: padding(args), dilationRate: pair(args.dilation), ...weights(args, ctx) }),
  conv2dTranspose: (args, name, ctx) => tfl.layers.conv2dTranspose({ name, filters: args.filters as number, kernelSize: pair(args.kernel), strides: pair(args.strides), padding: padding(args), ...weights(args, ctx) }),
  depthwiseConv2d: (args, name, ctx) => tfl.layers.depthwiseConv2d({ name, kernelSize: pair(args.kernel), depthMultiplier: args.depthMultiplier as number, strides: pair(args.strides), padding: padding(args), activation: activation(args), depthwiseInitializer: initializer(choice(args, 'init'), ctx), useBias: args.useBias as boolean }),
  separableConv2d: (args, name, ctx) => new SeparableConv2d({ name, filters: args.filters as number, kernelSize: pair(args.kernel), strides: pair(args.strides), padding: padding(args), depthMultiplier: args.depthMultiplier as number, activation: activation(args), depthwiseInitializer: initializer(choice(args, 'init'), ctx), pointwiseInitializer: initializer(choice(args, 'init'), ctx), useBias: args.useBias as boolean }),
  upSampling2d: (args, name) => tfl.layers.upSampling2d({ name, size: pair(args.size) }),
  zeroPadding2d: (args, name) => tfl.layers.zeroPadding2d({ name, padding: marginsOf(args.padding) }),
  cropping2d: (args, name) => tfl.layers.cropping2D({ name, cropping: marginsOf(args.cropping) }),

  maxPool1d: pool(tfl.layers.maxPooling1d as unknown as typeof tfl.layers.maxPooling2d, 1),
  maxPool2d: pool(tfl.layers.maxPooling2d, 2),
  avgPool1d: pool(tfl.layers.averagePooling1d as unknown as typeof tfl.layers.maxPooling2d, 1),
  avgPool2d: pool(tfl.layers.averagePooling2d as unknown as typeof tfl.layers.maxPooling2d, 2),
  globalAvgPool1d: (_args, name) => tfl.layers.globalAveragePooling1d({ name }),
  globalAvgPool2d: (_args, name) => tfl.layers.globalAveragePooling2d({ name }),
  globalMaxPool1d: (_args, name) => tfl.layers.globalMaxPooling1d({ name }),
  globalMaxPool2d: (_args, name) => tfl.layers.globalMaxPooling2d({ name }),

  simpleRnn: recurrent(tfl.layers.simpleRNN as unknown as typeof tfl.layers.lstm, false),
  // tfjs's LSTM with its call fused into one op on the CPU backends (layers/fused-lstm.ts).
  lstm: recurrent((args) => new FusableLSTM(args) as ReturnType<typeof tfl.layers.lstm>, true),
  gru: recurrent(tfl.layers.gru as unknown as typeof tfl.layers.lstm, true),
  bidirectional: (args, name, ctx) => {
    const inner = args.layer as LayerArg;
    return tfl.layers.bidirectional({ name, layer: rules[inner.layer as LayerName](inner.args, `${name}_inner`, ctx) as never, mergeMode: choice(args, 'mergeMode')?.name as 'concat' });
  },
  timeDistributed: (args, name, ctx) => {
    const inner = args.layer as LayerArg;
    return tfl.layers.timeDistributed({ name, layer: rules[inner.layer as LayerName](inner.args, `${name}_inner`, ctx) });
  },

  add: (_args, name) => tfl.layers.add({ name }),
  subtract: (_args, name) => new Subtract({ name }) as unknown as Layer,
  multiply: (_args, name) => tfl.layers.multiply({ name }),
  average: (_args, name) => tfl.layers.average({ name }),
  maximum: (_args, name) => tfl.layers.maximum({ name }),
  concat: (args, name) => tfl.layers.concatenate({ name, axis: axisWithBatch(args.axis as number) }),
  dot: (args, name) => tfl.layers.dot({ name, axes: Array.isArray(args.axes) ? ((args.axes as number[]).map(axisWithBatch) as [number, number]) : axisWithBatch(args.axes as number), normalize: args.normalize as boolean }),

  roiAlign: (args, name) => new RoiAlign({ name, size: pair(args.size) }) as unknown as Layer,
  primaryCaps: (args, name, ctx) => new PrimaryCaps({ name, capsules: args.capsules as number, dim: args.dim as number, kernel: pair(args.kernel), strides: pair(args.strides), seed: ctx.seed() }) as unknown as Layer,
  capsules: (args, name, ctx) => new Capsules({ name, count: args.count as number, dim: args.dim as number, routing: args.routing as number, seed: ctx.seed() }) as unknown as Layer,
  capsuleLength: (_args, name) => new CapsuleLength({ name }) as unknown as Layer,

  positionEmbedding: (args, name, ctx) => new PositionEmbedding({ name, maxLength: positionCount(ctx.inputs[0], args), seed: ctx.seed() }) as unknown as Layer,
  selfAttention: (args, name, ctx) => new SelfAttention({ name, heads: args.heads as number, keyDim: headSize(ctx.inputs[0], args), causal: args.causal as boolean, seed: ctx.seed() }) as unknown as Layer,
};

