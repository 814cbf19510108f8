/** Train settings → tfjs optimiser, loss and metrics. */
import type { Args, Choice } from '../../dsl';
import { tf } from '../tf';
import { Adadelta } from './adadelta';
import type { Logs } from './events';
import { FusedAdam } from './fused-adam';
import { Watch } from './watch';
import { AdamW, MomentumWithDecay, SGDWithDecay } from './weight-decay';

export function optimizer(c: Choice | undefined): tf.Optimizer {
  const a = c?.args ?? {};
  const lr = a.learningRate as number;
  switch (c?.name ?? 'adam') {
    case 'sgd': return a.weightDecay ? new SGDWithDecay(lr, a.weightDecay as number) : tf.train.sgd(lr);
    case 'momentum': return a.weightDecay ? new MomentumWithDecay(lr, a.momentum as number, a.nesterov as boolean, a.weightDecay as number) : tf.train.momentum(lr, a.momentum as number, a.nesterov as boolean);
    case 'adam': return new FusedAdam(lr ?? 0.001, (a.beta1 as number | undefined) ?? 0.9, (a.beta2 as number | undefined) ?? 0.999, a.epsilon as number | undefined);
    case 'adamw': return new AdamW(lr, a.weightDecay as number, a.beta1 as number, a.beta2 as number, a.epsilon as number);
    case 'adamax': return tf.train.adamax(lr, a.beta1 as number, a.beta2 as number);
    case 'rmsprop': return tf.train.rmsprop(lr, a.decay as number, a.momentum as number, a.epsilon as number);
    case 'adagrad': return tf.train.adagrad(lr);
    case 'adadelta': return new Adadelta(lr, a.rho as number, a.epsilon as number);
    default: throw new Error(`unknown optimizer ${c?.name}`);
  }
}

export function baseLearningRate(c: Choice | undefined): number {
  return (c?.args.learningRate as number | undefined) ?? 0.001;
}

/**
 * The learning rate epoch by epoch: a schedule of the epoch alone, or reduceOnPlateau,
 * which lowers it by what `observe` reads of each epoch's logs (Keras's ReduceLROnPlateau:
 * after `patience` epochs without improvement, then none for `cooldown` epochs).
 */
export class LearningRates {
  private readonly plateau?: Watch;
  private lowered: number;
  private cooling = 0;

  constructor(private readonly base: number, private readonly schedule: Choice | undefined, private readonly epochs: number) {
    const a = schedule?.args ?? {};
    this.lowered = base;
    if (schedule?.name === 'reduceOnPlateau') this.plateau = new Watch((a.monitor as Choice).name, a.minDelta as number);
  }

  /** The rate for epoch `epoch` (0-based). */
  at(epoch: number): number {
    return this.plateau ? this.lowered : scheduledRate(this.base, this.schedule, epoch, this.epochs);
  }

  /** Reads epoch `epoch`'s (1-based) logs; where the rate is lowered, why, in words. */
  observe(epoch: number, logs: Logs): string | undefined {
    const watch = this.plateau;
    if (!watch) return undefined;
    const a = this.schedule!.args;
    if (this.cooling > 0) this.cooling--;
    const better = watch.improved(epoch, logs);
    // No waiting while cooling down.
    if (this.cooling > 0) watch.waited = 0;
    if (better || watch.waited < (a.patience as number)) return undefined;
    watch.waited = 0;
    this.cooling = a.cooldown as number;
    const floor = a.minRate as number;
    if (this.lowered <= floor) return undefined;
    const before = this.lowered;
    this.lowered = Math.max(before * (a.factor as number), floor);
    return `reduceOnPlateau: ${watch.monitor} has not improved on ${watch.bestValue.toPrecision(4)} (epoch ${watch.bestEpoch}) for ${a.patience} epoch${a.patience === 1 ? '' : 's'}: learning rate ${before.toPrecision(3)} → ${this.lowered.toPrecision(3)}`;
  }
}

/** The learning rate for an epoch (0-based) under a schedule of the epoch alone. */
export function scheduledRate(base: number, schedule: Choice | undefined, epoch: number, epochs: number): number {
  const a = schedule?.args ?? {};
  switch (schedule?.name ?? 'constant') {
    case 'exponentialDecay': return base * Math.pow(a.rate as number, Math.floor(epoch / (a.every as number)));
    case 'stepDecay': return base * Math.pow(a.factor as number, Math.floor(epoch / (a.every as number)));
    case 'cosineDecay': {
      const floor = a.floor as number;
      const progress = epochs > 1 ? epoch / (epochs - 1) : 1;
      return base * (floor + (1 - floor) * 0.5 * (1 + Math.cos(Math.PI * progress)));
    }
    default: return base;
  }
}

/** Sets the rate used from the next step on (a schedule, between epochs). Most optimisers read their
 * `learningRate` field at each step; SGD and momentum keep -rate in a tensor that setLearningRate remakes. */
export function setLearningRate(opt: tf.Optimizer, rate: number): void {
  const o = opt as unknown as { learningRate: number; setLearningRate?: (rate: number) => void };
  if (o.setLearningRate) o.setLearningRate(rate);
  else o.learningRate = rate;
}

export function loss(settings: Args): string | ((yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor) {
  const name = (settings.loss as Choice).name;
  if (name === 'huber') return (yTrue, yPred) => tf.losses.huberLoss(yTrue, yPred);
  return name;
}

export function metrics(settings: Args): string[] {
  return ((settings.metrics as Choice[] | undefined) ?? []).map((m) => m.name);
}
