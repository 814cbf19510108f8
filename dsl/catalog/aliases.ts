/**
 * What Keras and PyTorch call a layer or a parameter, where the spelling alone would not
 * lead to the dlnet name ("did you mean" already takes another case, snake_case and
 * small misspellings: `Conv2D`, `use_bias`, `MaxPool2d`). Keys are folded as `fold` does.
 */
import type { ChoiceTable, LayerName } from './index';

export const fold = (name: string): string => name.replace(/[_-]/g, '').toLowerCase();

/** The entry of `table` under `key`, where the table has one of its own (not `constructor` or `toString`, which every object has). */
export function entryOf<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(table, key) ? table[key] : undefined;
}

export const layerAliases: Readonly<Record<string, LayerName>> = {
  linear: 'dense',
  batchnormalization: 'batchNorm',
  batchnorm1d: 'batchNorm',
  batchnorm2d: 'batchNorm',
  layernormalization: 'layerNorm',
  maxpooling1d: 'maxPool1d',
  maxpooling2d: 'maxPool2d',
  averagepooling1d: 'avgPool1d',
  averagepooling2d: 'avgPool2d',
  globalaveragepooling1d: 'globalAvgPool1d',
  globalaveragepooling2d: 'globalAvgPool2d',
  globalmaxpooling1d: 'globalMaxPool1d',
  globalmaxpooling2d: 'globalMaxPool2d',
  convtranspose2d: 'conv2dTranspose',
  concatenate: 'concat',
  cat: 'concat',
  upsample: 'upSampling2d',
  dropout1d: 'spatialDropout1d',
  dropout2d: 'spatialDropout2d',
  rnn: 'simpleRnn',
  logsoftmax: 'softmax',
  multiheadattention: 'selfAttention',
};

/**
 * PyTorch's layers that take their input's size first, as PyTorch spells them (Keras's
 * `LSTM(64)` and `Conv2D(32, 3)` take none), and how many positional arguments show it
 * is there: `LSTM(10, 64)` gives the input's size and `LSTM(64)` (Keras's) does not.
 */
const inputSizeFirstLayers: Readonly<Record<string, number>> = {
  Linear: 2, Conv1d: 2, Conv2d: 2, ConvTranspose2d: 2, LSTM: 2, GRU: 2, RNN: 2, BatchNorm1d: 1, BatchNorm2d: 1, LayerNorm: 1, MultiheadAttention: 2,
};

/** For a layer named as PyTorch names one that takes its input's size first: how many positional arguments make the first one that size. */
export function inputSizeFirst(name: string): number | undefined {
  return entryOf(inputSizeFirstLayers, name);
}

const CONV_ORDER = ['filters', 'kernel', 'strides', 'padding'];
const POOL_ORDER = ['pool', 'strides', 'padding'];
/**
 * The order in which Keras and PyTorch take a layer's arguments by position (after
 * PyTorch's input size), in dlnet's names, where it goes on past the ones dlnet takes by
 * position: `Conv2d(1, 32, 3, 2, 1)` is given strides 2 and padding 1. Keys are folded.
 */
const positionalOrders: Readonly<Record<string, readonly string[]>> = {
  conv1d: CONV_ORDER, conv2d: CONV_ORDER, convtranspose2d: CONV_ORDER, conv2dtranspose: CONV_ORDER,
  maxpool1d: POOL_ORDER, maxpool2d: POOL_ORDER, avgpool1d: POOL_ORDER, avgpool2d: POOL_ORDER,
  maxpooling1d: POOL_ORDER, maxpooling2d: POOL_ORDER, averagepooling1d: POOL_ORDER, averagepooling2d: POOL_ORDER,
  linear: ['units', 'useBias'],
};

/** How another framework's layer `name` takes its arguments by position, if dlnet knows (dlnet's parameter names). */
export function positionalOrder(name: string): readonly string[] | undefined {
  return entryOf(positionalOrders, fold(name));
}

/** Parameter names and the dlnet parameters they may stand for (the layer has one of them). */
export const parameterAliases: Readonly<Record<string, readonly string[]>> = {
  kernelsize: ['kernel', 'pool'],
  poolsize: ['pool'],
  outchannels: ['filters'],
  outfeatures: ['units'],
  hiddensize: ['units'],
  numembeddings: ['inputDim'],
  embeddingdim: ['outputDim'],
  p: ['rate'],
  eps: ['epsilon'],
  dim: ['axis'],
  negativeslope: ['alpha'],
  std: ['stddev'],
  returnsequence: ['returnSequences'],
  bias: ['useBias'],
  scalefactor: ['size'],
  numheads: ['heads'],
  restorebestweights: ['restoreBest'],
  minlr: ['minRate'],
};

const INPUT_SIZE = "dlnet works out the input's size from the layer before";
/** Parameters of PyTorch's layers that say what dlnet knows without being told (folded names), and why. */
const unneededParameters: Readonly<Record<string, string>> = {
  infeatures: INPUT_SIZE,
  embeddim: INPUT_SIZE,
  inchannels: INPUT_SIZE,
  inputsize: INPUT_SIZE,
  numfeatures: INPUT_SIZE,
  normalizedshape: INPUT_SIZE,
  batchfirst: "dlnet's sequences are always batch first, [batch, time, features]",
  inplace: "dlnet's layers never write over their input",
  // Keras's Embedding(mask_zero=True): dlnet pads a text before its words instead, so a recurrent layer's last step is its last word.
  maskzero: "dlnet's embedding passes on no mask: a csv source's texts are padded with 0s before their words, so a recurrent layer ends on a text's last word, and the padding's vector is learned as a word's is",
  // PyTorch's Embedding(padding_idx=0), the same idea: the padding's vector held at 0.
  paddingidx: "dlnet's embedding learns the padding's vector (id 0) as a word's: a csv source's texts are padded before their words, so a recurrent layer ends on a text's last word",
  // Keras's EarlyStopping(mode='max') and ReduceLROnPlateau(verbose=1).
  mode: "dlnet knows from the value watched whether lower (a loss) or higher (an accuracy) is better",
  verbose: 'dlnet reports every epoch, and what earlyStopping and reduceOnPlateau did, to the panel and the command line',
};

/** Parameters another framework gives as one pair and dlnet takes as two (PyTorch's Adam, `betas=(0.9, 0.999)`). Keys are folded. */
const pairedParameters: Readonly<Record<string, readonly [string, string]>> = {
  betas: ['beta1', 'beta2'],
};

/** The two parameters that a pair another framework passes as one parameter stands for, if it is one. */
export function pairedParameter(name: string): readonly [string, string] | undefined {
  return entryOf(pairedParameters, fold(name));
}

/** Why a parameter another framework passes is one dlnet needs no value for, if it is one. */
export function unneededParameter(name: string): string | undefined {
  return entryOf(unneededParameters, fold(name));
}

/** Value names (activations, initialisers, losses) as Keras and PyTorch spell them. */
export const choiceAliases: Readonly<Partial<Record<ChoiceTable, Readonly<Record<string, string>>>>> = {
  activation: { none: 'linear', silu: 'swish' },
  initializer: { xavieruniform: 'glorotUniform', xaviernormal: 'glorotNormal', kaimingnormal: 'heNormal', kaiminguniform: 'heUniform', normal: 'randomNormal', uniform: 'randomUniform' },
  // numpy's, PyTorch's and C's tensor types: dlnet's inputs are float32 or int32, as tfjs's layers take them.
  dtype: { float: 'float32', float16: 'float32', float64: 'float32', half: 'float32', double: 'float32', bfloat16: 'float32', int: 'int32', int8: 'int32', int16: 'int32', int64: 'int32', uint8: 'int32', long: 'int32', short: 'int32', integer: 'int32' },
  schedule: { reducelronplateau: 'reduceOnPlateau' },
  monitor: { valaccuracy: 'val_acc', accuracy: 'acc' },
  loss: { crossentropyloss: 'categoricalCrossentropy', crossentropy: 'categoricalCrossentropy', bcewithlogitsloss: 'binaryCrossentropy', binarycrossentropywithlogits: 'binaryCrossentropy', mseloss: 'meanSquaredError', l1loss: 'meanAbsoluteError', bceloss: 'binaryCrossentropy', bce: 'binaryCrossentropy', cce: 'categoricalCrossentropy', huberloss: 'huber', smoothl1loss: 'huber', nllloss: 'categoricalCrossentropy' },
};

/**
 * PyTorch's losses that take a model's output before its last activation (logits), folded,
 * and that activation: dlnet's losses, as Keras's by default, take what it gives.
 */
const logitsLosses: Readonly<Record<string, 'softmax' | 'sigmoid'>> = {
  crossentropyloss: 'softmax',
  crossentropy: 'softmax',
  bcewithlogitsloss: 'sigmoid',
  binarycrossentropywithlogits: 'sigmoid',
};

/** The activation a loss another framework names takes its input before (`CrossEntropyLoss`: softmax), if it takes logits. */
export function logitsLoss(name: string): 'softmax' | 'sigmoid' | undefined {
  return entryOf(logitsLosses, fold(name));
}

/** The value of a table that another framework's name stands for. */
export function choiceAlias(table: ChoiceTable, name: string): string | undefined {
  const aliases = choiceAliases[table];
  return aliases && entryOf(aliases, fold(name));
}

const inputShapeParameters = ['inputshape', 'batchinputshape', 'inputdim', 'inputlength'] as const;
export type InputShapeParameter = (typeof inputShapeParameters)[number];

/** Which of Keras's ways to give a layer its input's shape a parameter name is (folded), if any: a dlnet model declares its input once, with `input`. */
export function inputShapeParameter(name: string): InputShapeParameter | undefined {
  return inputShapeParameters.find((p) => p === fold(name));
}

/** The layer another framework's name stands for. */
export function layerAlias(name: string): LayerName | undefined {
  return entryOf(layerAliases, fold(name));
}

/** The names other frameworks give a layer, folded (for completion to match them). */
export function aliasesOf(layer: LayerName): string[] {
  return Object.keys(layerAliases).filter((alias) => layerAliases[alias] === layer);
}

/** The parameter among `params` that another framework's name stands for. */
export function parameterAlias(name: string, params: readonly string[]): string | undefined {
  return entryOf(parameterAliases, fold(name))?.find((p) => params.includes(p));
}
