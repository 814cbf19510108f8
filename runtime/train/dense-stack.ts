/**
 * The training step of a small stack of dense layers as one pass over Float32Arrays.
 *
 * A 2-16-16-1 MLP's step is about 85 tfjs kernels of a few hundred multiply-adds each;
 * their dispatch, not the arithmetic, is the step (0.6 ms, where PyTorch takes 0.25). So
 * where a model is only dense layers, with the activations, losses, metrics and
 * optimisers below, on a CPU backend, and small enough that loops beat kernels, dlnet's
 * loop trains each epoch here: forward, loss, backward and update in loops over typed
 * arrays. Weights and optimiser state are read from tfjs's variables when an epoch
 * starts and written back when it ends, so validation, snapshots, saving and the next
 * epoch see them as if tfjs had trained. The arithmetic is tfjs's — the same loss and
 * metric definitions (clipping, epsilon, thresholds, first maximum), float32 storage,
 * Adam's float32 rounding — so results agree with tfjs's training to float rounding
 * (tests/runtime/dense-stack.test.ts).
 */
import type { Args, Choice, ModelGraph } from '../../dsl';
import { compileModel } from '../compile/compile';
import { tf, tfl } from '../tf';
import { adamConstants, adamInPlace, adamMoments, type AdamState } from './fused-adam';
import { loss, metrics, optimizer } from './optim';

/**
 * Up to this many weights (Σ inputs·units) the loops win; measured on wasm, samples/s of loops
 * vs tfjs: 2-32x6-1 (5,216 weights) 2.2x, 2-32x8-1 (7,264) 2.0x, 2-64x3-1 (8,384) 1.4x,
 * 784-16-10 (12,704) 1.1x, 2-128-128-1 (16,768) 0.6x.
 */
export const MAX_WEIGHTS = 8192;

type Activation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'softmax';
type Loss = 'meanSquaredError' | 'binaryCrossentropy' | 'categoricalCrossentropy';
type Metric = (p: Float32Array, t: Float32Array, n: number, k: number) => number;

/** One variable's values, gradient and (Adam) moments during an epoch. */
interface Slot {
  variable: tf.Variable;
  /** Its position among the variables a step updates (Adam's moments follow it). */
  index: number;
  w: Float32Array;
  g: Float32Array;
  m?: Float32Array;
  v?: Float32Array;
}

interface Layer {
  inputs: number;
  units: number;
  activation: Activation;
  kernel: Slot;
  bias?: Slot;
}

const ACTIVATIONS = new Set<string>(['linear', 'relu', 'sigmoid', 'tanh', 'softmax']);
const LOSSES = new Set<string>(['meanSquaredError', 'binaryCrossentropy', 'categoricalCrossentropy']);

/** tfjs-layers' accuracy for this loss and output width (binary for one unit or binary cross-entropy). */
const accuracyFor = (loss: Loss, units: number): Metric => (units === 1 || loss === 'binaryCrossentropy' ? binaryAccuracy : categoricalAccuracy);

function binaryAccuracy(p: Float32Array, t: Float32Array, n: number, k: number): number {
  let sum = 0;
  for (let b = 0; b < n; b++) {
    let hits = 0;
    for (let j = b * k; j < (b + 1) * k; j++) if (t[j] === (p[j] > 0.5 ? 1 : 0)) hits++;
    sum += Math.fround(hits / k);
  }
  return sum / n;
}

function categoricalAccuracy(p: Float32Array, t: Float32Array, n: number, k: number): number {
  let hits = 0;
  for (let b = 0; b < n; b++) {
    let bp = 0;
    let bt = 0;
    for (let j = 1; j < k; j++) {
      if (p[b * k + j] > p[b * k + bp]) bp = j;
      if (t[b * k + j] > t[b * k + bt]) bt = j;
    }
    if (bp === bt) hits++;
  }
  return hits / n;
}

/** The model's layers past its input (a Sequential model lists no input layer, a functional one does). */
const stacked = (model: tfl.LayersModel) => model.layers.filter((l) => l.getClassName() !== 'InputLayer');

/** Why the loops cannot train the model (undefined: they can, on a CPU backend). */
export function denseStackObstacle(model: tfl.LayersModel, opt: tf.Optimizer): string | undefined {
  if (model.inputs.length !== 1 || model.outputs.length !== 1 || model.inputs[0].shape.length !== 2) return 'not one flat input and one output';
  const layers = stacked(model);
  if (layers.length === 0) return 'no layers';
  let previous: tfl.layers.Layer | undefined;
  let weights = 0;
  for (const layer of layers) {
    if (layer.getClassName() !== 'Dense') return `a ${layer.getClassName()} layer`;
    if (!layer.trainable) return 'a frozen layer';
    const inbound = (layer as unknown as { inboundNodes: { inboundLayers: tfl.layers.Layer[] }[] }).inboundNodes;
    const from = inbound.length === 1 && inbound[0].inboundLayers.length === 1 ? inbound[0].inboundLayers[0] : undefined;
    if (!from || (previous ? from !== previous : from.getClassName() !== 'InputLayer')) return 'not a chain';
    const c = layer.getConfig();
    if (!ACTIVATIONS.has(c.activation as string)) return `activation ${c.activation}`;
    if (c.kernelRegularizer || c.biasRegularizer || c.activityRegularizer || c.kernelConstraint || c.biasConstraint) return 'a regulariser or constraint';
    const [inputs, units] = (layer.getWeights()[0] as tf.Tensor).shape;
    weights += inputs * units;
    previous = layer;
  }
  if (weights > MAX_WEIGHTS) return `${weights} weights per example (kernels are faster above ${MAX_WEIGHTS})`;
  const loss = (model as unknown as { loss: unknown }).loss;
  if (typeof loss !== 'string' || !LOSSES.has(loss)) return `loss ${typeof loss === 'string' ? loss : 'function'}`;
  const unknown = model.metricsNames.slice(1).find((name) => name !== 'acc');
  if (unknown) return `metric ${unknown}`;
  if (!['SGD', 'SGDWithDecay', 'Adam', 'AdamW'].includes(opt.getClassName())) return `optimizer ${opt.getClassName()}`;
  return undefined;
}

export class DenseStack {
  private readonly layers: Layer[] = [];
  private readonly slots: Slot[];
  private readonly loss: Loss;
  private readonly metrics: Metric[];
  /** a[0] is the batch's input, a[l + 1] layer l's output; da the gradients, the same sizes. */
  private a: Float32Array[] = [];
  private da: Float32Array[] = [];
  private labels = new Float32Array(0);
  private capacity = 0;
  private readonly epsilon = Math.fround(tf.backend().epsilon());
  private accBeta1 = 0;
  private accBeta2 = 0;
  private steps = 0;
  /** tfjs's optimiser classes answer instanceof for any optimiser; the class name tells them apart. */
  private readonly adam: boolean;
  /** AdamW's decoupled decay, or SGD's added to the gradient (weight-decay.ts): 0 for none. */
  private readonly weightDecay: number;

  /** Undefined off the CPU backends and where denseStackObstacle has a reason. */
  static for(model: tfl.LayersModel, opt: tf.Optimizer): DenseStack | undefined {
    const cpu = tf.getBackend() === 'cpu' || tf.getBackend() === 'wasm';
    return cpu && denseStackObstacle(model, opt) === undefined ? new DenseStack(model, opt) : undefined;
  }

  private constructor(model: tfl.LayersModel, private readonly opt: tf.Optimizer) {
    this.adam = opt.getClassName() === 'Adam' || opt.getClassName() === 'AdamW';
    this.weightDecay = (opt as unknown as { weightDecay?: number }).weightDecay ?? 0;
    const trainable = ((model as unknown as { collectedTrainableWeights?: tfl.LayerVariable[] }).collectedTrainableWeights ?? model.trainableWeights);
    const slot = (v: tfl.LayerVariable): Slot => {
      const variable = (v as unknown as { val: tf.Variable }).val;
      return { variable, index: trainable.indexOf(v), w: new Float32Array(variable.size), g: new Float32Array(variable.size) };
    };
    for (const layer of stacked(model)) {
      const dense = layer as unknown as { kernel: tfl.LayerVariable; bias?: tfl.LayerVariable; getConfig(): { activation: Activation } };
      const kernel = slot(dense.kernel);
      const [inputs, units] = kernel.variable.shape;
      this.layers.push({ inputs, units, activation: dense.getConfig().activation, kernel, bias: dense.bias && slot(dense.bias) });
    }
    this.slots = this.layers.flatMap((l) => (l.bias ? [l.kernel, l.bias] : [l.kernel]));
    this.loss = (model as unknown as { loss: Loss }).loss;
    this.metrics = model.metricsNames.slice(1).map(() => accuracyFor(this.loss, this.outputs));
  }

  /** Units of the last layer: values per example of the labels. */
  get outputs(): number {
    return this.layers[this.layers.length - 1].units;
  }

  /** Reads weights and optimiser state from tfjs's variables. */
  begin(): void {
    for (const s of this.slots) {
      s.w.set(s.variable.dataSync() as Float32Array);
      if (!this.adam) continue;
      const [m, v] = adamMoments(this.opt as tf.AdamOptimizer, s.index, s.variable);
      s.m = Float32Array.from(m.dataSync() as Float32Array);
      s.v = Float32Array.from(v.dataSync() as Float32Array);
    }
    if (this.adam) {
      const state = this.opt as unknown as AdamState;
      this.accBeta1 = state.accBeta1.dataSync()[0];
      this.accBeta2 = state.accBeta2.dataSync()[0];
    }
    this.steps = 0;
  }

  /** Writes weights and optimiser state back to tfjs's variables. */
  end(): void {
    tf.tidy(() => {
      for (const s of this.slots) {
        s.variable.assign(tf.tensor(s.w, s.variable.shape));
        if (!this.adam) continue;
        const [m, v] = adamMoments(this.opt as tf.AdamOptimizer, s.index, s.variable);
        m.assign(tf.tensor(s.m!, m.shape));
        v.assign(tf.tensor(s.v!, v.shape));
      }
      if (this.adam) {
        const state = this.opt as unknown as AdamState;
        state.accBeta1.assign(tf.scalar(this.accBeta1));
        state.accBeta2.assign(tf.scalar(this.accBeta2));
      }
    });
    const counted = this.opt as unknown as { iterations_: number; iterations: number };
    counted.iterations_ = counted.iterations + this.steps;
    this.steps = 0;
  }

  /**
   * One step on the examples `rows` of `x` (rows × inputs) and `y` (rows × outputs), copied
   * from the data by index; returns the loss and the metrics in model.metricsNames order.
   */
  step(x: Float32Array, xWidth: number, y: Float32Array, rows: ArrayLike<number>): number[] {
    const n = rows.length;
    this.reserve(n);
    const input = this.a[0];
    const k = this.outputs;
    for (let b = 0; b < n; b++) {
      input.set(x.subarray(rows[b] * xWidth, (rows[b] + 1) * xWidth), b * xWidth);
      this.labels.set(y.subarray(rows[b] * k, (rows[b] + 1) * k), b * k);
    }
    this.layers.forEach((l, i) => forward(l, this.a[i], this.a[i + 1], n));
    const p = this.a[this.layers.length];
    const values = [this.lossAndGradient(p, this.labels, this.da[this.layers.length], n, k), ...this.metrics.map((m) => m(p, this.labels, n, k))];
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const l = this.layers[i];
      activationGradient(l.activation, this.a[i + 1], this.da[i + 1], n * l.units, l.units);
      backward(l, this.a[i], this.da[i + 1], i > 0 ? this.da[i] : undefined, n);
    }
    this.update();
    return values;
  }

  private reserve(n: number): void {
    if (n <= this.capacity) return;
    this.capacity = n;
    const widths = [this.layers[0].inputs, ...this.layers.map((l) => l.units)];
    this.a = widths.map((w) => new Float32Array(n * w));
    this.da = widths.map((w) => new Float32Array(n * w));
    this.labels = new Float32Array(n * widths[widths.length - 1]);
  }

  private update(): void {
    this.steps++;
    const f = Math.fround;
    const rate = (this.opt as unknown as { learningRate: number }).learningRate;
    if (this.adam) {
      const state = this.opt as unknown as AdamState;
      const constants = adamConstants(state, this.accBeta1, this.accBeta2);
      // AdamW: each weight shrunk first, as weight-decay.ts does with tfjs's kernels (float32 throughout).
      const shrink = f(1 - rate * this.weightDecay);
      for (const s of this.slots) {
        if (this.weightDecay) for (let i = 0; i < s.w.length; i++) s.w[i] = f(s.w[i] * shrink);
        adamInPlace(s.w, s.g, s.m!, s.v!, constants);
      }
      this.accBeta1 = Math.fround(this.accBeta1 * Math.fround(state.beta1));
      this.accBeta2 = Math.fround(this.accBeta2 * Math.fround(state.beta2));
      return;
    }
    const c = f(-rate);
    // SGD's weight decay is added to the gradient (PyTorch's, as weight-decay.ts).
    const decay = f(this.weightDecay);
    for (const s of this.slots) for (let i = 0; i < s.w.length; i++) s.w[i] = f(f(c * (decay ? f(s.g[i] + f(s.w[i] * decay)) : s.g[i])) + s.w[i]);
  }

  /** The batch's mean loss as tfjs-layers defines it; its gradient with respect to the output into dp. */
  private lossAndGradient(p: Float32Array, t: Float32Array, dp: Float32Array, n: number, k: number): number {
    const f = Math.fround;
    const eps = this.epsilon;
    const high = f(1 - eps);
    let total = 0;
    for (let b = 0; b < n; b++) {
      const o = b * k;
      let example = 0;
      if (this.loss === 'meanSquaredError') {
        for (let j = o; j < o + k; j++) {
          const d = f(p[j] - t[j]);
          example += f(d * d);
          dp[j] = (2 * d) / (k * n);
        }
        example /= k;
      } else if (this.loss === 'binaryCrossentropy') {
        // tfjs: y = clip(p, eps, 1 - eps), logit = log(y / (1 - y)), then the logistic loss of the logit.
        for (let j = o; j < o + k; j++) {
          const y = Math.min(Math.max(p[j], eps), high);
          const logit = f(Math.log(f(y / f(1 - y))));
          example += f(f(Math.max(logit, 0) - f(logit * t[j])) + f(Math.log1p(f(Math.exp(-Math.abs(logit))))));
          dp[j] = p[j] >= eps && p[j] <= high ? (y - t[j]) / (y * (1 - y)) / (k * n) : 0;
        }
        example /= k;
      } else {
        // tfjs: q = p / Σp, clipped to [eps, 1 - eps]; loss = -Σ t·log(q).
        let sum = 0;
        for (let j = o; j < o + k; j++) sum += p[j];
        const s = f(sum);
        let dot = 0;
        for (let j = o; j < o + k; j++) {
          const q = f(p[j] / s);
          const clipped = Math.min(Math.max(q, eps), high);
          example -= f(t[j] * f(Math.log(clipped)));
          // d/dq of -t·log(q), zero where the clip holds q; then through q = p / Σp.
          const g = q >= eps && q <= high ? -t[j] / clipped / n : 0;
          dp[j] = g;
          dot += g * q;
        }
        for (let j = o; j < o + k; j++) dp[j] = (dp[j] - dot) / s;
      }
      total += f(example);
    }
    return total / n;
  }
}

/** Whether the loops would train the model of a train statement: asks a throw-away copy. */
export function trainsInLoops(g: ModelGraph, settings: Args): boolean {
  const model = compileModel(g);
  const opt = optimizer(settings.optimizer as Choice);
  try {
    model.compile({ optimizer: opt, loss: loss(settings), metrics: metrics(settings) });
    return denseStackObstacle(model, opt) === undefined;
  } finally {
    model.dispose();
    opt.dispose();
  }
}

/** out = act(input · W + bias), rows of `units`. */
function forward(l: Layer, input: Float32Array, out: Float32Array, n: number): void {
  const { inputs, units } = l;
  const w = l.kernel.w;
  const bias = l.bias?.w;
  const row = new Float64Array(units);
  for (let b = 0; b < n; b++) {
    row.fill(0);
    for (let i = 0; i < inputs; i++) {
      const v = input[b * inputs + i];
      const wi = i * units;
      for (let j = 0; j < units; j++) row[j] += v * w[wi + j];
    }
    const o = b * units;
    for (let j = 0; j < units; j++) out[o + j] = Math.fround(Math.fround(row[j]) + (bias ? bias[j] : 0));
  }
  activate(l.activation, out, n * units, units);
}

function activate(kind: Activation, z: Float32Array, size: number, units: number): void {
  switch (kind) {
    case 'relu': for (let i = 0; i < size; i++) if (z[i] < 0) z[i] = 0; break;
    case 'sigmoid': for (let i = 0; i < size; i++) z[i] = 1 / (1 + Math.exp(-z[i])); break;
    case 'tanh': for (let i = 0; i < size; i++) z[i] = Math.tanh(z[i]); break;
    case 'softmax':
      for (let o = 0; o < size; o += units) {
        let max = -Infinity;
        for (let j = o; j < o + units; j++) max = Math.max(max, z[j]);
        let sum = 0;
        for (let j = o; j < o + units; j++) sum += (z[j] = Math.exp(z[j] - max));
        for (let j = o; j < o + units; j++) z[j] /= sum;
      }
      break;
    default:
  }
}

/** da (with respect to the activation's output a) becomes the gradient with respect to its input, in place. */
function activationGradient(kind: Activation, a: Float32Array, da: Float32Array, size: number, units: number): void {
  switch (kind) {
    case 'relu': for (let i = 0; i < size; i++) if (a[i] <= 0) da[i] = 0; break;
    case 'sigmoid': for (let i = 0; i < size; i++) da[i] = Math.fround(da[i] * Math.fround(a[i] * Math.fround(1 - a[i]))); break;
    case 'tanh': for (let i = 0; i < size; i++) da[i] = Math.fround(da[i] * Math.fround(1 - Math.fround(a[i] * a[i]))); break;
    case 'softmax':
      for (let o = 0; o < size; o += units) {
        let dot = 0;
        for (let j = o; j < o + units; j++) dot += da[j] * a[j];
        for (let j = o; j < o + units; j++) da[j] = Math.fround(a[j] * (da[j] - dot));
      }
      break;
    default:
  }
}

/** Gradients of W and bias from the layer's input and dz; the gradient of its input into dInput. */
function backward(l: Layer, input: Float32Array, dz: Float32Array, dInput: Float32Array | undefined, n: number): void {
  const { inputs, units } = l;
  const [w, gw, gb] = [l.kernel.w, l.kernel.g, l.bias?.g];
  gw.fill(0);
  gb?.fill(0);
  for (let b = 0; b < n; b++) {
    const o = b * units;
    if (gb) for (let j = 0; j < units; j++) gb[j] += dz[o + j];
    for (let i = 0; i < inputs; i++) {
      const v = input[b * inputs + i];
      const wi = i * units;
      for (let j = 0; j < units; j++) gw[wi + j] += v * dz[o + j];
    }
    if (!dInput) continue;
    for (let i = 0; i < inputs; i++) {
      let s = 0;
      const wi = i * units;
      for (let j = 0; j < units; j++) s += dz[o + j] * w[wi + j];
      dInput[b * inputs + i] = s;
    }
  }
}
