/** The value tables: activations, initialisers, regularisers, losses, optimisers, metrics, ... */
import type { Choice, ChoiceDef, ChoiceTable, ParamDef } from './types';

const f = (name: string, doc: string, def?: number, extra: Partial<ParamDef> = {}): ParamDef => ({
  name, type: { kind: 'float', min: 0 }, doc, ...(def === undefined ? {} : { default: def }), ...extra,
});

export const activations: ChoiceDef[] = [
  { name: 'linear', doc: 'No activation: f(x) = x.' },
  { name: 'relu', doc: 'max(0, x): cheap, does not saturate for x > 0. Pair with heNormal.' },
  { name: 'relu6', doc: 'min(max(0, x), 6).' },
  { name: 'elu', doc: 'x for x > 0, exp(x) - 1 otherwise.' },
  { name: 'selu', doc: 'Scaled ELU; self-normalising with lecunNormal initialisation.' },
  { name: 'gelu', doc: 'x·Φ(x), smooth ReLU used by Transformers.' },
  { name: 'tanh', doc: 'Squashes to (-1, 1); zero-centred but saturates. Pair with glorot initialisers.' },
  { name: 'sigmoid', doc: 'Squashes to (0, 1): a probability for binary outputs; saturates in deep stacks.' },
  { name: 'hardSigmoid', doc: 'Piecewise-linear approximation of the sigmoid.' },
  { name: 'softmax', doc: 'Probabilities over the last axis that sum to 1: multi-class outputs.' },
  { name: 'softplus', doc: 'log(1 + exp(x)), a smooth ReLU.' },
  { name: 'softsign', doc: 'x / (1 + |x|).' },
  { name: 'swish', doc: 'x·sigmoid(x) (SiLU).' },
  { name: 'mish', doc: 'x·tanh(softplus(x)).' },
];

export const initializers: ChoiceDef[] = [
  { name: 'glorotUniform', doc: 'Uniform with variance 2/(fanIn + fanOut) (Xavier): suits tanh and sigmoid.' },
  { name: 'glorotNormal', doc: 'Truncated normal with variance 2/(fanIn + fanOut) (Xavier): suits tanh and sigmoid.' },
  { name: 'heNormal', doc: 'Truncated normal with variance 2/fanIn (He): keeps ReLU activations from shrinking layer by layer.' },
  { name: 'heUniform', doc: 'Uniform with variance 2/fanIn (He): suits the ReLU family.' },
  { name: 'lecunNormal', doc: 'Truncated normal with variance 1/fanIn: the one for selu.' },
  { name: 'lecunUniform', doc: 'Uniform with variance 1/fanIn.' },
  { name: 'orthogonal', doc: 'A random orthogonal matrix: the default for recurrent weights.' },
  { name: 'zeros', doc: 'All zeros: every unit stays identical, so use it for biases only.' },
  { name: 'ones', doc: 'All ones.' },
  { name: 'randomNormal', doc: 'Normal with the given mean and standard deviation.', params: [f('mean', 'Mean.', 0, { type: { kind: 'float' } }), f('stddev', 'Standard deviation.', 0.05)] },
  { name: 'randomUniform', doc: 'Uniform between minval and maxval.', params: [f('minval', 'Lower bound.', -0.05, { type: { kind: 'float' } }), f('maxval', 'Upper bound.', 0.05, { type: { kind: 'float' } })] },
  { name: 'truncatedNormal', doc: 'Normal cut at two standard deviations.', params: [f('mean', 'Mean.', 0, { type: { kind: 'float' } }), f('stddev', 'Standard deviation.', 0.05)] },
];

export const regularizers: ChoiceDef[] = [
  { name: 'l1', doc: 'Adds rate·Σ|w| to the loss: pushes weights to exactly zero.', params: [f('rate', 'Strength of the penalty.', 0.01, { positional: true })] },
  { name: 'l2', doc: 'Adds rate·Σw² to the loss (weight decay).', params: [f('rate', 'Strength of the penalty.', 0.01, { positional: true })] },
  { name: 'l1l2', doc: 'Both penalties.', params: [f('l1', 'L1 strength.', 0.01), f('l2', 'L2 strength.', 0.01)] },
];

export const paddings: ChoiceDef[] = [
  { name: 'valid', doc: 'No padding: the window stays inside the input, so the output shrinks by kernel - 1.' },
  { name: 'same', doc: 'Zero-pads so that the output has size ceil(input / stride).' },
];

export const dtypes: ChoiceDef[] = [
  { name: 'float32', doc: '32-bit floating point values (the default).' },
  { name: 'int32', doc: '32-bit integers: token ids for an embedding.' },
];

export const mergeModes: ChoiceDef[] = [
  { name: 'concat', doc: 'Concatenate the two directions (doubles the last axis).' },
  { name: 'sum', doc: 'Add the two directions.' },
  { name: 'mul', doc: 'Multiply the two directions.' },
  { name: 'ave', doc: 'Average the two directions.' },
];

/** How a loss reads its labels; the train checks compare this with the dataset's labels. */
export type LabelKind = 'binary' | 'onehot' | 'sparse' | 'regression';

export interface LossDef extends ChoiceDef {
  labels: LabelKind;
  /** Output activations this loss is made for; anything else is a loss-mismatch. */
  activations?: string[];
}

export const losses: LossDef[] = [
  { name: 'binaryCrossentropy', doc: 'Log loss for yes/no labels; the output is one sigmoid unit per label.', labels: 'binary', activations: ['sigmoid'] },
  { name: 'categoricalCrossentropy', doc: 'Log loss for one-hot labels over k classes; the output is a softmax over k units.', labels: 'onehot', activations: ['softmax'] },
  { name: 'sparseCategoricalCrossentropy', doc: 'Categorical cross-entropy with integer class labels; the output is a softmax over k units.', labels: 'sparse', activations: ['softmax'] },
  { name: 'meanSquaredError', doc: 'Mean of squared differences: regression.', labels: 'regression' },
  { name: 'meanAbsoluteError', doc: 'Mean of absolute differences: regression that is robust to outliers.', labels: 'regression' },
  { name: 'huber', doc: 'Squared error near zero, absolute error far away: robust regression.', labels: 'regression' },
  { name: 'hinge', doc: 'Margin loss for labels in {-1, 1} (SVM-style).', labels: 'binary' },
];

/** SGD's weight decay as PyTorch's SGD takes it (weight_decay): added to the gradient, weightDecay·w. */
const sgdDecay: ParamDef = f('weightDecay', "Adds weightDecay·w to each weight's gradient (PyTorch's weight_decay: L2 regularisation of every weight, at half the rate).", 0);

export const optimizers: ChoiceDef[] = [
  { name: 'sgd', doc: 'Plain stochastic gradient descent: w ← w - learningRate·∇.', params: [f('learningRate', 'Step size.', 0.01, { positional: true }), sgdDecay] },
  { name: 'momentum', doc: 'SGD with momentum: follows a running average of gradients.', params: [f('learningRate', 'Step size.', 0.01, { positional: true }), f('momentum', 'Fraction of the previous step kept.', 0.9), { name: 'nesterov', type: { kind: 'bool' }, default: false, doc: 'Nesterov accelerated gradient.' }, sgdDecay] },
  { name: 'adam', doc: 'Adam: per-weight step sizes from running averages of gradients and their squares. A safe default.', params: [f('learningRate', 'Step size.', 0.001, { positional: true }), f('beta1', 'Decay of the gradient average.', 0.9), f('beta2', 'Decay of the squared-gradient average.', 0.999), f('epsilon', 'Numerical stabiliser.', 1e-7)] },
  // Keras's AdamW and PyTorch's: w ← w·(1 - learningRate·weightDecay) before each Adam step.
  { name: 'adamw', doc: "Adam with decoupled weight decay (Loshchilov & Hutter): each step also takes learningRate·weightDecay of every weight away, apart from the gradient's step (PyTorch's Adam adds weight_decay to the gradient instead, which Adam's per-weight steps weaken). What transformers train with.", params: [f('learningRate', 'Step size.', 0.001, { positional: true }), f('weightDecay', 'Fraction of each weight taken away per step, times the learning rate.', 0.01), f('beta1', 'Decay of the gradient average.', 0.9), f('beta2', 'Decay of the squared-gradient average.', 0.999), f('epsilon', 'Numerical stabiliser.', 1e-7)] },
  { name: 'adamax', doc: 'Adam with the infinity norm.', params: [f('learningRate', 'Step size.', 0.002, { positional: true }), f('beta1', 'Decay of the gradient average.', 0.9), f('beta2', 'Decay of the norm.', 0.999)] },
  { name: 'rmsprop', doc: 'RMSProp: divides each step by a running average of squared gradients.', params: [f('learningRate', 'Step size.', 0.001, { positional: true }), f('decay', 'Decay of the average.', 0.9), f('momentum', 'Momentum.', 0), f('epsilon', 'Numerical stabiliser.', 1e-7)] },
  { name: 'adagrad', doc: 'Adagrad: step sizes shrink for frequently updated weights.', params: [f('learningRate', 'Step size.', 0.01, { positional: true })] },
  { name: 'adadelta', doc: 'Adadelta: Adagrad without the ever-shrinking step.', params: [f('learningRate', 'Step size.', 1, { positional: true }), f('rho', 'Decay.', 0.95), f('epsilon', 'Numerical stabiliser: its square root is the size of the first steps (PyTorch uses 1e-6).', 1e-7)] },
];

export const metrics: ChoiceDef[] = [
  { name: 'accuracy', doc: 'Fraction of correct predictions (binary or categorical, chosen from the loss). Logged as acc / val_acc.' },
  { name: 'binaryAccuracy', doc: 'Fraction of correct yes/no predictions at threshold 0.5.' },
  { name: 'categoricalAccuracy', doc: 'Fraction of examples whose largest output is the labelled class.' },
  { name: 'precision', doc: 'Of the predicted positives, the fraction that are positive.' },
  { name: 'recall', doc: 'Of the positives, the fraction predicted positive.' },
  { name: 'mse', doc: 'Mean squared error.' },
  { name: 'mae', doc: 'Mean absolute error.' },
];

/** The value earlyStopping and reduceOnPlateau watch. */
const monitor: ParamDef = { name: 'monitor', type: { kind: 'choice', table: 'monitor' }, default: { name: 'val_loss', args: {} }, doc: 'Value to watch: val_loss or val_acc need data held out (validationSplit or validation), acc and val_acc the metric accuracy.' };

export const schedules: ChoiceDef[] = [
  { name: 'constant', doc: 'Keep the learning rate fixed.' },
  { name: 'exponentialDecay', doc: 'Multiply the learning rate by `rate` every `every` epochs.', params: [f('rate', 'Factor per period.', 0.9, { positional: true, type: { kind: 'float', min: 0, max: 1 } }), { name: 'every', type: { kind: 'int', min: 1 }, default: 1, doc: 'Epochs per period.' }] },
  { name: 'stepDecay', doc: 'Multiply the learning rate by `factor` every `every` epochs.', params: [f('factor', 'Factor per step.', 0.5, { positional: true, type: { kind: 'float', min: 0, max: 1 } }), { name: 'every', type: { kind: 'int', min: 1 }, default: 10, doc: 'Epochs per step.' }] },
  { name: 'cosineDecay', doc: 'Lower the learning rate along a half cosine to `floor` times it by the last epoch.', params: [f('floor', 'Final fraction of the learning rate.', 0, { positional: true, type: { kind: 'float', min: 0, max: 1 } })] },
  // Keras's ReduceLROnPlateau and PyTorch's, with their defaults (min_delta, min_lr: minDelta, minRate).
  { name: 'reduceOnPlateau', doc: 'Multiply the learning rate by `factor` when the monitored value has not improved for `patience` epochs (not for GANs).', params: [
    f('factor', 'Factor per reduction.', 0.1, { positional: true, type: { kind: 'float', min: 0, max: 1, maxExclusive: true } }),
    { name: 'patience', type: { kind: 'int', min: 0 }, default: 10, doc: 'Epochs without improvement before the rate is lowered.' },
    monitor,
    f('minDelta', 'Smallest change that counts as an improvement.', 0.0001),
    { name: 'cooldown', type: { kind: 'int', min: 0 }, default: 0, doc: 'Epochs after a reduction before waiting starts again.' },
    f('minRate', 'The learning rate goes no lower.', 0),
  ] },
];

export const monitors: ChoiceDef[] = [
  { name: 'val_loss', doc: 'Validation loss (the default).' },
  { name: 'val_acc', doc: 'Validation accuracy.' },
  { name: 'loss', doc: 'Training loss.' },
  { name: 'acc', doc: 'Training accuracy.' },
];

export const earlyStoppings: ChoiceDef[] = [
  { name: 'earlyStopping', doc: 'Stop when the monitored value has not improved for `patience` epochs.', params: [
    { name: 'patience', type: { kind: 'int', min: 0 }, default: 5, doc: 'Epochs without improvement before stopping.', positional: true },
    monitor,
    { name: 'minDelta', type: { kind: 'float', min: 0 }, default: 0, doc: 'Smallest change that counts as an improvement.' },
    { name: 'restoreBest', type: { kind: 'bool' }, default: false, doc: "Keep the weights of the epoch whose monitored value was best, not the last epoch's: the run saves those (Keras's restore_best_weights)." },
  ] },
];

/** What fills a gap in a table's column of numbers. */
export const gapFills: ChoiceDef[] = [
  { name: 'mean', doc: "The mean of the column's numbers." },
  { name: 'zero', doc: '0.' },
];

export const targets: ChoiceDef[] = [
  { name: 'labels', doc: "The dataset's labels (the default)." },
  { name: 'features', doc: 'The features themselves: the model learns to give back its input, as an autoencoder does (Keras: fit(x, x)).' },
];

export const choiceTables: Record<ChoiceTable, ChoiceDef[]> = {
  activation: activations,
  initializer: initializers,
  regularizer: regularizers,
  padding: paddings,
  dtype: dtypes,
  mergeMode: mergeModes,
  loss: losses,
  optimizer: optimizers,
  metric: metrics,
  schedule: schedules,
  earlyStopping: earlyStoppings,
  monitor: monitors,
  gaps: gapFills,
  target: targets,
};

const index = new Map<ChoiceTable, Map<string, ChoiceDef>>(
  Object.entries(choiceTables).map(([table, defs]) => [table as ChoiceTable, new Map(defs.map((d) => [d.name, d]))]),
);

export function findChoice(table: ChoiceTable, name: string): ChoiceDef | undefined {
  return index.get(table)?.get(name);
}

export function findLoss(name: string): LossDef | undefined {
  return losses.find((l) => l.name === name);
}

/** A choice with every parameter it leaves out set to the catalogue's default (for a setting's default value, written without arguments). */
export function choiceWithDefaults(table: ChoiceTable, c: Choice): Choice {
  const args = { ...c.args };
  for (const p of findChoice(table, c.name)?.params ?? []) if (args[p.name] === undefined && p.default !== undefined) args[p.name] = p.default;
  return { name: c.name, args };
}
