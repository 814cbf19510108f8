/** Convolutions over sequences [steps, channels] and images [height, width, channels]. */
import { addDims, convLength, deconvLength, formatShape, known, mulDims, type Padding, type Shape } from '../../semantics/shape';
import { activation, bool, choiceName, dilation, family, filters, init, kernel, kernelRegularizer, marginsOf, num, padding, pair, requireRank, strides, useBias } from '../params';
import type { Args, ShapeError } from '../types';

const IMAGE = '[height, width, channels]';
const SEQUENCE = '[steps, channels]';

/** A flat input that is a square image (times 1 or 3 channels) can be reshaped back. */
function imageHint(x: Shape): ShapeError['hint'] {
  if (x.length === 2 && known(x[0]) && known(x[1])) {
    return { kind: 'insert-before', text: `reshape([${x[0]}, ${x[1]}, 1])`, title: `Insert reshape([${x[0]}, ${x[1]}, 1])` };
  }
  if (x.length !== 1 || !known(x[0])) return undefined;
  const n = x[0];
  for (const c of [1, 3]) {
    const side = Math.round(Math.sqrt(n / c));
    if (side * side * c === n) {
      return { kind: 'insert-before', text: `reshape([${side}, ${side}, ${c}])`, title: `Insert reshape([${side}, ${side}, ${c}])` };
    }
  }
  return undefined;
}

function requireImage(x: Shape): ShapeError | undefined {
  const e = requireRank(x, 3, IMAGE);
  if (e) e.hint = imageHint(x);
  return e;
}

function window2d(x: Shape, args: Args, k: [number, number]): Shape {
  const [sh, sw] = pair(args, 'strides');
  const [dh, dw] = args.dilation === undefined ? [1, 1] : pair(args, 'dilation');
  const pad = choiceName(args, 'padding') as Padding;
  return [convLength(x[0], k[0], sh, pad, dh), convLength(x[1], k[1], sw, pad, dw)];
}

const leavesNothing = (out: Shape): boolean => out.some((d) => known(d) && d <= 0);

/** `why` words the failure, and only when there is one: shapes are checked at every use. */
function checkPositive(out: Shape, x: Shape, what: string, why: (x: Shape) => string): Shape | ShapeError {
  return leavesNothing(out) ? { code: 'invalid-shape', message: `${what} leaves no output: ${why(x)}` } : out;
}

/** A window (the parameter `window` sizes it) larger than a valid-padded input leaves nothing: padding: same keeps every position. */
function checkWindow(out: Shape, x: Shape, what: string, window: 'kernel' | 'pool', args: Args): Shape | ShapeError {
  if (!leavesNothing(out)) return out;
  const valid = choiceName(args, 'padding') !== 'same';
  return {
    code: 'invalid-shape',
    message: `${what} leaves no output: the input ${formatShape(x)} is smaller than the window (use ${valid ? 'padding: same, or ' : ''}a smaller ${window})`,
    hint: valid ? { kind: 'set-argument', name: 'padding', text: 'same', title: 'Use padding: same' } : undefined,
  };
}

/** TensorFlow.js (and Keras) convolve with strides or with dilation, never both above 1. */
function stridesOrDilation(args: Args, what: string): ShapeError | undefined {
  const strided = pair(args, 'strides').some((n) => n > 1);
  const dilated = args.dilation !== undefined && pair(args, 'dilation').some((n) => n > 1);
  if (!strided || !dilated) return undefined;
  return { code: 'invalid-argument', message: `${what} takes strides or dilation above 1, not both (TensorFlow.js cannot run it): set one of them to 1` };
}

const convParams = [filters(), kernel(), strides, padding, dilation, activation(), init(), useBias, kernelRegularizer];
const biasOf = (args: Args) => (bool(args, 'useBias') ? num(args, 'filters') : 0);

export const convolutionLayers = family('convolution', {
  conv1d: {
    rule: "[steps, c] → [steps', filters]",
    doc: 'Slides learned filters along a sequence [steps, channels].',
    params: convParams,
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => requireRank(x, 2, SEQUENCE) ?? stridesOrDilation(args, 'conv1d')
      ?? checkWindow([convLength(x[0], pair(args, 'kernel')[0], pair(args, 'strides')[0], choiceName(args, 'padding') as Padding, pair(args, 'dilation')[0]), num(args, 'filters')], x, 'conv1d', 'kernel', args),
    paramCount: ({ inputs: [x], args }) => (known(x[1]) ? pair(args, 'kernel')[0] * x[1] * num(args, 'filters') + biasOf(args) : null),
    activation: (args) => choiceName(args, 'activation'),
    initializer: (args) => args.init as never,
  },
  conv2d: {
    rule: "[h, w, c] → [h', w', filters]; valid: h' = ⌊(h − k)/s⌋ + 1, same: h' = ⌈h/s⌉",
    doc: 'Slides learned filters over an image [height, width, channels]; each filter gives one output channel.',
    params: convParams,
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => requireImage(x) ?? stridesOrDilation(args, 'conv2d') ?? checkWindow([...window2d(x, args, pair(args, 'kernel')), num(args, 'filters')], x, 'conv2d', 'kernel', args),
    paramCount: ({ inputs: [x], args }) => {
      const [kh, kw] = pair(args, 'kernel');
      return known(x[2]) ? kh * kw * x[2] * num(args, 'filters') + biasOf(args) : null;
    },
    activation: (args) => choiceName(args, 'activation'),
    initializer: (args) => args.init as never,
  },
  conv2dTranspose: {
    rule: "[h, w, c] → [h', w', filters]; valid: h' = h·s + max(k − s, 0), same: h' = h·s",
    doc: 'Transposed convolution ("deconvolution"): upsamples an image with learned filters.',
    params: [filters(), kernel(), strides, padding, activation(), init(), useBias, kernelRegularizer],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => {
      const e = requireImage(x);
      if (e) return e;
      const [kh, kw] = pair(args, 'kernel');
      const [sh, sw] = pair(args, 'strides');
      const pad = choiceName(args, 'padding') as Padding;
      return [deconvLength(x[0], kh, sh, pad), deconvLength(x[1], kw, sw, pad), num(args, 'filters')];
    },
    paramCount: ({ inputs: [x], args }) => {
      const [kh, kw] = pair(args, 'kernel');
      return known(x[2]) ? kh * kw * x[2] * num(args, 'filters') + biasOf(args) : null;
    },
    activation: (args) => choiceName(args, 'activation'),
    initializer: (args) => args.init as never,
  },
  depthwiseConv2d: {
    rule: "[h, w, c] → [h', w', c·depthMultiplier]",
    doc: 'Convolves each input channel with its own filters (depthMultiplier of them); channels do not mix.',
    params: [kernel(), { name: 'depthMultiplier', type: { kind: 'int', min: 1 }, default: 1, doc: 'Filters per input channel.' }, strides, padding, activation(), init('init', 'glorotUniform', 'Initialiser of the depthwise kernel.'), useBias],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => requireImage(x)
      ?? checkWindow([...window2d(x, args, pair(args, 'kernel')), mulDims(x[2], num(args, 'depthMultiplier'))], x, 'depthwiseConv2d', 'kernel', args),
    paramCount: ({ inputs: [x], args }) => {
      const [kh, kw] = pair(args, 'kernel');
      const dm = num(args, 'depthMultiplier');
      return known(x[2]) ? kh * kw * x[2] * dm + (bool(args, 'useBias') ? x[2] * dm : 0) : null;
    },
    activation: (args) => choiceName(args, 'activation'),
    initializer: (args) => args.init as never,
  },
  separableConv2d: {
    rule: "[h, w, c] → [h', w', filters]",
    doc: 'A depthwise convolution followed by a 1x1 convolution that mixes channels: far fewer weights than conv2d.',
    params: [filters(), kernel(), strides, padding, { name: 'depthMultiplier', type: { kind: 'int', min: 1 }, default: 1, doc: 'Depthwise filters per input channel.' }, activation(), init(), useBias],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => requireImage(x) ?? checkWindow([...window2d(x, args, pair(args, 'kernel')), num(args, 'filters')], x, 'separableConv2d', 'kernel', args),
    paramCount: ({ inputs: [x], args }) => {
      const [kh, kw] = pair(args, 'kernel');
      const dm = num(args, 'depthMultiplier');
      return known(x[2]) ? kh * kw * x[2] * dm + x[2] * dm * num(args, 'filters') + biasOf(args) : null;
    },
    activation: (args) => choiceName(args, 'activation'),
    initializer: (args) => args.init as never,
  },
  upSampling2d: {
    rule: '[h, w, c] → [h·a, w·b, c]',
    doc: 'Repeats rows and columns: [h, w, c] becomes [h·size, w·size, c].',
    params: [{ name: 'size', type: { kind: 'pair', min: 1 }, default: 2, doc: 'Upsampling factor: one number or [rows, cols].', positional: true }],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => {
      const [a, b] = pair(args, 'size');
      return requireImage(x) ?? [mulDims(x[0], a), mulDims(x[1], b), x[2]];
    },
    paramCount: () => 0,
  },
  zeroPadding2d: {
    rule: '[h, w, c] → [h + top + bottom, w + left + right, c]',
    doc: 'Adds rows and columns of zeros around an image.',
    params: [{ name: 'padding', type: { kind: 'margins', min: 0 }, default: 1, doc: 'Rows and columns added on each side: one number, [rows, cols], or [[top, bottom], [left, right]].', positional: true }],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => {
      const [[top, bottom], [left, right]] = marginsOf(args.padding);
      return requireImage(x) ?? [addDims(x[0], top + bottom), addDims(x[1], left + right), x[2]];
    },
    paramCount: () => 0,
  },
  cropping2d: {
    rule: '[h, w, c] → [h − top − bottom, w − left − right, c]',
    doc: 'Removes rows and columns from the edges of an image.',
    params: [{ name: 'cropping', type: { kind: 'margins', min: 0 }, doc: 'Rows and columns removed on each side: one number, [rows, cols], or [[top, bottom], [left, right]] (one row off the bottom: [[0, 1], [0, 0]]).', positional: true }],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => {
      const [[top, bottom], [left, right]] = marginsOf(args.cropping);
      return requireImage(x) ?? checkPositive([addDims(x[0], -(top + bottom)), addDims(x[1], -(left + right)), x[2]], x, 'cropping2d',
        (input) => `it removes ${top + bottom} rows and ${left + right} columns of the input ${formatShape(input)}`);
    },
    paramCount: () => 0,
  },
});

const poolParams = (dims: 1 | 2) => [
  { name: 'pool', type: { kind: 'pair', min: 1 } as const, default: 2, doc: dims === 1 ? 'Window length.' : 'Window size: one number or [height, width].', positional: true },
  { name: 'strides', type: { kind: 'pair', min: 1 } as const, optional: true, doc: 'Step of the window; defaults to the window size.' },
  padding,
];

function pool2d(x: Shape, args: Args, name: string): Shape | ShapeError {
  const e = requireImage(x);
  if (e) return e;
  const k = pair(args, 'pool');
  const [sh, sw] = args.strides === undefined ? k : pair(args, 'strides');
  const pad = choiceName(args, 'padding') as Padding;
  return checkWindow([convLength(x[0], k[0], sh, pad), convLength(x[1], k[1], sw, pad), x[2]], x, name, 'pool', args);
}

function pool1d(x: Shape, args: Args, name: string): Shape | ShapeError {
  const e = requireRank(x, 2, SEQUENCE);
  if (e) return e;
  const k = pair(args, 'pool')[0];
  const s = args.strides === undefined ? k : pair(args, 'strides')[0];
  return checkWindow([convLength(x[0], k, s, choiceName(args, 'padding') as Padding), x[1]], x, name, 'pool', args);
}

export const poolingLayers = family('pooling', {
  maxPool1d: { rule: "[steps, c] → [steps', c]", doc: 'Keeps the largest value in each window along a sequence.', params: poolParams(1), inputs: 'chain', outputShape: ({ inputs: [x], args }) => pool1d(x, args, 'maxPool1d'), paramCount: () => 0 },
  maxPool2d: { rule: "[h, w, c] → [h', w', c]; strides default to the window", doc: 'Keeps the largest value in each window of an image: halves height and width at the default size 2.', params: poolParams(2), inputs: 'chain', outputShape: ({ inputs: [x], args }) => pool2d(x, args, 'maxPool2d'), paramCount: () => 0 },
  avgPool1d: { rule: "[steps, c] → [steps', c]", doc: 'Averages each window along a sequence.', params: poolParams(1), inputs: 'chain', outputShape: ({ inputs: [x], args }) => pool1d(x, args, 'avgPool1d'), paramCount: () => 0 },
  avgPool2d: { rule: "[h, w, c] → [h', w', c]; strides default to the window", doc: 'Averages each window of an image.', params: poolParams(2), inputs: 'chain', outputShape: ({ inputs: [x], args }) => pool2d(x, args, 'avgPool2d'), paramCount: () => 0 },
  globalAvgPool1d: { rule: "[steps, c] → [c]", doc: 'Averages over all steps: [steps, channels] becomes [channels].', params: [], inputs: 'chain', outputShape: ({ inputs: [x] }) => requireRank(x, 2, SEQUENCE) ?? [x[1]], paramCount: () => 0 },
  globalAvgPool2d: { rule: "[h, w, c] → [c]", doc: 'Averages over height and width: [h, w, c] becomes [c].', params: [], inputs: 'chain', outputShape: ({ inputs: [x] }) => requireImage(x) ?? [x[2]], paramCount: () => 0 },
  globalMaxPool1d: { rule: "[steps, c] → [c]", doc: 'Keeps the largest value over all steps: [steps, channels] becomes [channels].', params: [], inputs: 'chain', outputShape: ({ inputs: [x] }) => requireRank(x, 2, SEQUENCE) ?? [x[1]], paramCount: () => 0 },
  globalMaxPool2d: { rule: "[h, w, c] → [c]", doc: 'Keeps the largest value over height and width: [h, w, c] becomes [c].', params: [], inputs: 'chain', outputShape: ({ inputs: [x] }) => requireImage(x) ?? [x[2]], paramCount: () => 0 },
});
