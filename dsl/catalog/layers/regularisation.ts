/** Regularisation and normalisation layers. */
import { formatShape, known, normaliseAxis } from '../../semantics/shape';
import { axis, elementwise, family, num, rate, requireAxis, requireMaxRank, requireRank } from '../params';

/** TensorFlow.js normalises tensors of up to 4 axes, the batch's included. */
const NORMALISABLE = '(TensorFlow.js normalises up to [height, width, channels])';
const lastAxisSize = (x: (number | string | null)[], ax: number) => x[ax < 0 ? x.length + ax : ax];

export const regularisationLayers = family('regularisation', {
  dropout: elementwise('Sets a random fraction of inputs to zero while training (and scales the rest), so units cannot co-adapt.', [
    rate('Fraction of inputs to drop, in [0, 1).'),
  ]),
  spatialDropout1d: {
    ...elementwise('Drops whole feature channels of a sequence [steps, channels] while training.', [rate('Fraction of channels to drop, in [0, 1).')]),
    rule: '[steps, channels] → the same shape',
    outputShape: ({ inputs: [x] }) => requireRank(x, 2, '[steps, channels]') ?? x,
  },
  spatialDropout2d: {
    ...elementwise('Drops whole feature maps of an image [height, width, channels] while training.', [rate('Fraction of channels to drop, in [0, 1).')]),
    rule: '[h, w, c] → the same shape',
    outputShape: ({ inputs: [x] }) => requireRank(x, 3, '[height, width, channels]') ?? x,
  },
  gaussianNoise: elementwise('Adds zero-mean Gaussian noise while training.', [
    { name: 'stddev', type: { kind: 'float', min: 0 }, doc: 'Standard deviation of the noise.', positional: true },
  ]),
  batchNorm: {
    ...elementwise('Normalises each channel over the batch, then scales and shifts it (learned gamma and beta; moving mean and variance for inference).', [
      axis(),
      { name: 'momentum', type: { kind: 'float', min: 0, max: 1 }, default: 0.99, doc: 'Momentum of the moving averages.' },
      { name: 'epsilon', type: { kind: 'float', min: 0 }, default: 0.001, doc: 'Added to the variance to avoid dividing by zero.' },
    ]),
    // TensorFlow.js broadcasts gamma and beta wrongly on any other axis (checked against PyTorch), so the language offers only the channels.
    outputShape: ({ inputs: [x], args }) => {
      const outside = requireMaxRank(x, 3, NORMALISABLE) ?? requireAxis(x, args, 'batchNorm');
      if (outside) return outside;
      if (normaliseAxis(num(args, 'axis'), x.length) !== x.length - 1) return { code: 'invalid-argument', message: `batchNorm normalises the last axis (the channels) of ${formatShape(x)}, not axis ${num(args, 'axis')}: permute the axes first` };
      return x;
    },
    paramCount: ({ inputs: [x], args }) => {
      const c = lastAxisSize(x, num(args, 'axis'));
      return known(c) ? 4 * c : null;
    },
  },
  layerNorm: {
    ...elementwise('Normalises each example over its last axis, then scales and shifts it.', [
      axis(),
      { name: 'epsilon', type: { kind: 'float', min: 0 }, default: 0.001, doc: 'Added to the variance to avoid dividing by zero.' },
    ]),
    outputShape: ({ inputs: [x], args }) => requireMaxRank(x, 3, NORMALISABLE) ?? requireAxis(x, args, 'layerNorm') ?? x,
    paramCount: ({ inputs: [x], args }) => {
      const c = lastAxisSize(x, num(args, 'axis'));
      return known(c) ? 2 * c : null;
    },
  },
});
