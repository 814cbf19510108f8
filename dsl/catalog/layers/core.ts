/** Core layers: dense, reshaping, embedding, and the activation layers. */
import { compareDims, formatDim, formatShape, known, product, type Shape } from '../../semantics/shape';
import { divideSizes } from '../../semantics/size';
import { activation, choice, choiceName, elementwise, family, init, kernelRegularizer, num, requireAxis, requireMinRank, useBias, units, bool } from '../params';
import type { ShapeError } from '../types';

export const coreLayers = family('core', {
  dense: {
    rule: '[..., n] → [..., units]',
    doc: 'Fully connected layer: every output unit is a weighted sum of the inputs. On inputs of rank 2 or more it acts on the last axis.',
    params: [units(), activation(), init(), useBias, { name: 'biasInit', type: { kind: 'choice', table: 'initializer' }, default: choice('zeros'), doc: 'Initialiser of the bias.' }, kernelRegularizer],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => requireMinRank(x, 1, '[..., features]') ?? [...x.slice(0, -1), num(args, 'units')],
    paramCount: ({ inputs: [x], args }) => {
      const last = x[x.length - 1];
      return known(last) ? last * num(args, 'units') + (bool(args, 'useBias') ? num(args, 'units') : 0) : null;
    },
    activation: (args) => choiceName(args, 'activation'),
    initializer: (args) => args.init as never,
  },
  flatten: {
    rule: '[d1, d2, ...] → [d1·d2·...]',
    doc: 'Flattens every axis into one: [h, w, c] becomes [h*w*c].',
    params: [],
    inputs: 'chain',
    outputShape: ({ inputs: [x] }) => {
      const e = requireMinRank(x, 1, '');
      if (e) return e;
      if (x.length > 1 && !x.every(known)) {
        return { code: 'invalid-shape', message: `flatten needs every size known, got ${formatShape(x)}; to reduce a sequence use globalAvgPool1d or a recurrent layer` } satisfies ShapeError;
      }
      return [product(x)];
    },
    paramCount: () => 0,
  },
  reshape: {
    rule: '[...] → shape (same element count)',
    doc: 'Rearranges the values into a new shape with the same number of elements; one size may be -1, ? or a name, worked out from the others.',
    params: [{ name: 'shape', type: { kind: 'shape' }, doc: 'Target shape, without the batch axis.', positional: true }],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => reshape(x, args.shape as Shape),
    paramCount: () => 0,
  },
  permute: {
    rule: '[d1, ..., dk] → [d(dims[0]), ..., d(dims[k-1])]',
    doc: 'Reorders the axes: permute([2, 1]) swaps the two axes of a rank-2 input (axes count from 1, the batch axis excluded).',
    params: [{ name: 'dims', type: { kind: 'ints' }, doc: 'New order of the axes, 1-based.', positional: true }],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => {
      const dims = args.dims as number[];
      const sorted = [...dims].sort((a, b) => a - b);
      if (dims.length !== x.length || sorted.some((d, i) => d !== i + 1)) {
        return { code: 'invalid-argument', message: `permute needs a reordering of 1..${x.length} for an input ${formatShape(x)}, got [${dims.join(', ')}]` } satisfies ShapeError;
      }
      return dims.map((d) => x[d - 1]);
    },
    paramCount: () => 0,
  },
  repeatVector: {
    rule: '[d] → [n, d]',
    doc: 'Repeats a vector n times: [d] becomes [n, d] (to feed a sequence decoder).',
    params: [{ name: 'n', type: { kind: 'int', min: 1 }, doc: 'Number of repetitions.', positional: true }],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => (x.length === 1 ? [num(args, 'n'), x[0]] : { code: 'rank-mismatch', expected: 'a rank-1 input [features]' }),
    paramCount: () => 0,
  },
  embedding: {
    rule: '[T] → [T, outputDim]',
    doc: 'Looks up a learned vector for each integer token: [T] of ids becomes [T, outputDim].',
    params: [
      { name: 'inputDim', type: { kind: 'int', min: 1 }, doc: 'Vocabulary size: ids run from 0 to inputDim - 1.', positional: true },
      { name: 'outputDim', type: { kind: 'int', min: 1 }, doc: 'Size of each embedding vector.', positional: true },
      init('init', 'randomUniform', 'Initialiser of the embedding table.'),
    ],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => [...x, num(args, 'outputDim')],
    paramCount: ({ args }) => num(args, 'inputDim') * num(args, 'outputDim'),
  },
});

/** A checked reshape target as tfjs and PyTorch take it: the one size to work out (-1, ? or a name) as -1. */
export function reshapeTarget(target: Shape): number[] {
  return target.map((d) => (typeof d === 'number' ? d : -1));
}

function reshape(x: Shape, target: Shape): Shape | ShapeError {
  // The compiled layer works out one size (tfjs takes -1 there): a name or ? in the target is that size too.
  const inferred = target.filter((d) => !known(d) || d === -1).length;
  if (inferred > 1) return { code: 'invalid-shape', message: `reshape can work out one size of its target (-1, ? or a name), got ${formatShape(target)}` };
  if (target.some((d) => typeof d === 'number' && d !== -1 && d <= 0)) {
    return { code: 'invalid-shape', message: `reshape target sizes must be positive, got ${formatShape(target)}` };
  }
  const total = product(x);
  const fixed = product(target.filter((d) => d !== -1));
  if (target.includes(-1)) {
    // [T, 8] to [T, -1] is [T, 8]; 12 elements to [-1, 5] fit no whole size.
    const rest = total === null || fixed === null ? undefined : divideSizes(total, fixed);
    if (rest === undefined && known(total) && known(fixed)) {
      return { code: 'invalid-shape', message: `reshape cannot fit ${total} elements (from ${formatShape(x)}) into ${formatShape(target)}` };
    }
    return target.map((d) => (d === -1 ? rest ?? null : d));
  }
  // A name in the target is the size worked out, so [20] to [T, 4] fits (T = 5) but [T, 4] to [T, 3] never does.
  if (compareDims(total, fixed) === 'differ') {
    return { code: 'invalid-shape', message: `reshape to ${formatShape(target)} needs ${formatDim(fixed)} elements, but the input ${formatShape(x)} has ${formatDim(total)}` };
  }
  return target;
}

export const activationLayers = family('activation', {
  relu: elementwise('Rectified linear unit: max(0, x).', [], 'relu'),
  leakyRelu: elementwise('Leaky ReLU: x for x > 0, alpha·x otherwise, so negative inputs keep a gradient.', [
    { name: 'alpha', type: { kind: 'float', min: 0 }, default: 0.3, doc: 'Slope for negative inputs.', positional: true },
  ], 'leakyRelu'),
  elu: elementwise('Exponential linear unit: x for x > 0, alpha·(exp(x) - 1) otherwise.', [
    { name: 'alpha', type: { kind: 'float', min: 0 }, default: 1, doc: 'Scale of the negative part.', positional: true },
  ], 'elu'),
  selu: elementwise('Scaled ELU: self-normalising when paired with lecunNormal initialisation.', [], 'selu'),
  gelu: elementwise('Gaussian error linear unit: x·Φ(x), as in Transformers.', [], 'gelu'),
  tanh: elementwise('Hyperbolic tangent: squashes to (-1, 1); saturates for large |x|.', [], 'tanh'),
  sigmoid: elementwise('Logistic sigmoid: squashes to (0, 1); saturates for large |x|.', [], 'sigmoid'),
  softmax: {
    ...elementwise('Softmax: turns scores into probabilities that sum to 1 along an axis.', [
      { name: 'axis', type: { kind: 'int' }, default: -1, doc: 'Axis that sums to 1.', positional: true },
    ], 'softmax'),
    outputShape: ({ inputs: [x], args }) => requireAxis(x, args, 'softmax') ?? x,
  },
  softplus: elementwise('Softplus: log(1 + exp(x)), a smooth ReLU.', [], 'softplus'),
  swish: elementwise('Swish (SiLU): x·sigmoid(x).', [], 'swish'),
});

