/**
 * Notices a run whose loss has stopped moving: the same value (to a millionth of itself)
 * three epochs running, far from zero. Nothing fails, so without a word the user watches
 * a flat curve to the end. Units that died (ReLU) or saturated (sigmoid, tanh) look like
 * this, and the usual cause is a learning rate far too high.
 */
import type { EpochEvent } from './events';

/** Three equal epochs: two repeats of the first value. */
const REPEATS = 2;
/** Below this the loss has converged rather than stalled. */
const CONVERGED = 1e-3;

export class StallWatch {
  private last: number | undefined;
  private since = 0;
  private repeats = 0;
  private told = false;

  /**
   * `learningRate`: the optimiser's, when known; `line`: where to send the user (the
   * optimiser setting, else the train statement), 0-based.
   */
  constructor(private readonly learningRate: number | undefined, private readonly line: number) {}

  /** The warning for this epoch's loss, the first time the run has stalled. */
  next(epoch: number, loss: number | undefined): EpochEvent['warning'] {
    if (loss === undefined || !Number.isFinite(loss)) return undefined;
    if (this.last !== undefined && Math.abs(loss - this.last) <= 1e-6 * Math.max(Math.abs(loss), 1e-12)) this.repeats++;
    else {
      this.repeats = 0;
      this.since = epoch;
    }
    this.last = loss;
    if (this.told || this.repeats < REPEATS || loss < CONVERGED) return undefined;
    this.told = true;
    const lr = this.learningRate;
    const cause = lr !== undefined && lr > 0.1
      ? `the learning rate ${lr >= 1e4 ? lr.toExponential().replace('e+', 'e') : lr} is far too high (most runs use 1e-4 to 0.1): lower it`
      : 'units that died (relu) or saturated (sigmoid, tanh) no longer learn: try a lower learning rate or other initialisers';
    return { message: `the loss has stayed at ${Number(loss.toPrecision(6))} since epoch ${this.since}: training has stalled; ${cause}`, line: this.line };
  }
}
