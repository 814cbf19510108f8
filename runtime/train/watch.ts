/**
 * A value watched epoch by epoch (val_loss, val_acc, ...): earlyStopping's and
 * reduceOnPlateau's one rule of what counts as an improvement, as Keras's callbacks
 * count it (better than the best by more than minDelta; an accuracy higher, a loss lower).
 */
import type { Logs } from './events';

export class Watch {
  /** The best value seen, as a score to lower (an accuracy negated). */
  private best = Infinity;
  /** The epoch (1-based) of the best value, 0 before any. */
  bestEpoch = 0;
  /** Epochs since the last improvement. */
  waited = 0;
  private readonly higherIsBetter: boolean;

  constructor(readonly monitor: string, private readonly minDelta: number) {
    this.higherIsBetter = monitor.endsWith('acc');
  }

  /**
   * Reads epoch `epoch`'s logs: whether the value improved on the best. The checker makes
   * sure the value is logged (val_ needs validation, acc the metric accuracy); a run that
   * still lacks it says so rather than stop or slow down for a value it never saw.
   */
  improved(epoch: number, logs: Logs): boolean {
    const value = logs[this.monitor];
    if (value === undefined) throw new Error(`${this.monitor} is not among the values this run logs (${Object.keys(logs).join(', ')})`);
    const score = this.higherIsBetter ? -value : value;
    if (score < this.best - this.minDelta) {
      this.best = score;
      this.bestEpoch = epoch;
      this.waited = 0;
      return true;
    }
    this.waited++;
    return false;
  }

  /** The best value seen, as logged. */
  get bestValue(): number {
    return this.higherIsBetter ? -this.best : this.best;
  }
}
