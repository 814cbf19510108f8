/**
 * Notices a run that has stopped learning without failing, and says so once: nothing
 * fails, so otherwise the user watches a flat curve to the end.
 * - The loss stuck at one value (to a millionth of itself) three epochs running, far from
 *   zero: units that died (ReLU) or saturated (sigmoid, tanh), usually from a learning
 *   rate far too high.
 * - The loss no better than a constant prediction's (the class frequencies, the mean)
 *   for ten epochs without coming down: the network has learnt nothing from its inputs,
 *   as when the signal fades in a deep sigmoid stack or from tiny initial weights.
 */
import type { Column } from '../data/dataset';
import type { EpochEvent } from './events';

/** Three equal epochs: two repeats of the first value. */
const REPEATS = 2;
/** Below this the loss has converged rather than stalled. */
const CONVERGED = 1e-3;
/** Epochs at the constant prediction's loss, not coming down, before it is said. */
const AT_CHANCE = 10;

/** The loss of the best constant prediction, where the loss has one, and what that prediction is. */
export interface Baseline {
  loss: number;
  what: string;
}

/**
 * The loss a model scores by predicting the labels' frequencies (cross-entropies: their
 * entropy) or their mean (mean squared error: their variance), ignoring its inputs.
 */
export function constantPredictionLoss(lossName: string, labels: Column | undefined, size: number): Baseline | undefined {
  if (!labels || size === 0) return undefined;
  const width = labels.data.length / size;
  const entropy = (p: number[]) => -p.reduce((s, q) => (q > 0 ? s + q * Math.log(q) : s), 0);
  const means = Array.from({ length: width }, (_, k) => {
    let sum = 0;
    for (let i = k; i < labels.data.length; i += width) sum += labels.data[i];
    return sum / size;
  });
  switch (lossName) {
    case 'binaryCrossentropy':
      return { loss: means.reduce((s, p) => s + entropy([p, 1 - p]), 0) / width, what: 'the class frequencies' };
    case 'categoricalCrossentropy':
      return { loss: entropy(means), what: 'the class frequencies' };
    case 'sparseCategoricalCrossentropy': {
      const counts = new Map<number, number>();
      for (const v of labels.data) counts.set(v, (counts.get(v) ?? 0) + 1);
      return { loss: entropy([...counts.values()].map((c) => c / size)), what: 'the class frequencies' };
    }
    case 'meanSquaredError': {
      let sum = 0;
      for (let i = 0; i < labels.data.length; i++) sum += (labels.data[i] - means[i % width]) ** 2;
      return { loss: sum / labels.data.length, what: 'the mean of the labels' };
    }
    default:
      return undefined;
  }
}

/** Four significant figures; very large and very small numbers as 1e6, 2.5e-5. */
const shown = (x: number) => {
  const r = Number(x.toPrecision(4));
  return x >= 1e4 || x < 1e-3 ? r.toExponential().replace('e+', 'e') : String(r);
};

export class StallWatch {
  private last: number | undefined;
  private since = 0;
  private repeats = 0;
  private readonly losses: number[] = [];
  private told = false;

  constructor(private readonly o: {
    learningRate?: number;
    /** 0-based lines a warning sends the user to: the optimizer setting (else the train statement), the model. */
    optimizerLine: number;
    modelLine: number;
    /** The constant prediction's loss, when the loss has one. */
    baseline?: Baseline;
  }) {}

  /** The warning for this epoch's loss, the first time the run is seen to have stopped learning. */
  next(epoch: number, loss: number | undefined): EpochEvent['warning'] {
    if (loss === undefined || !Number.isFinite(loss)) return undefined;
    if (this.last !== undefined && Math.abs(loss - this.last) <= 1e-6 * Math.max(Math.abs(loss), 1e-12)) this.repeats++;
    else {
      this.repeats = 0;
      this.since = epoch;
    }
    this.last = loss;
    this.losses.push(loss);
    if (this.told) return undefined;
    const stuck = this.stuck(loss);
    const warning = stuck ? { message: stuck, line: this.o.optimizerLine } : this.atChance(loss);
    if (!warning) return undefined;
    this.told = true;
    return warning;
  }

  private stuck(loss: number): string | undefined {
    if (this.repeats < REPEATS || loss < CONVERGED) return undefined;
    const lr = this.o.learningRate;
    const cause = lr !== undefined && lr > 0.1
      ? `the learning rate ${shown(lr)} is far too high (most runs use 1e-4 to 0.1): lower it`
      : 'units that died (relu) or saturated (sigmoid, tanh) no longer learn: try a lower learning rate or other initialisers';
    return `the loss has stayed at ${Number(loss.toPrecision(6))} since epoch ${this.since}: training has stalled; ${cause}`;
  }

  private atChance(loss: number): EpochEvent['warning'] {
    const b = this.o.baseline;
    if (!b || b.loss < CONVERGED || this.losses.length < AT_CHANCE) return undefined;
    const window = this.losses.slice(-AT_CHANCE);
    const near = 0.01 * b.loss;
    // Every epoch of the window at (or above) the constant prediction's loss, and no way down across it.
    if (window.some((l) => l < b.loss - near) || loss < window[0] - near) return undefined;
    const message = `the loss (${shown(loss)}) has been no better than predicting ${b.what} (${shown(b.loss)}) for ${AT_CHANCE} epochs: `
      + 'the network has learnt nothing from its inputs so far; in a deep stack of sigmoid or tanh units, or from tiny initial weights, the signal fades before the output';
    return { message, line: this.o.modelLine };
  }
}
