/** Train settings → tfjs optimiser, loss and metrics. */
import type { Args, Choice } from '../../dsl';
import { tf } from '../tf';
import { Adadelta } from './adadelta';
import { FusedAdam } from './fused-adam';

export function optimizer(c: Choice | undefined): tf.Optimizer {
  const a = c?.args ?? {};
  const lr = a.learningRate as number;
  switch (c?.name ?? 'adam') {
    case 'sgd': return tf.train.sgd(lr);
    case 'momentum': return tf.train.momentum(lr, a.momentum as number, a.nesterov as boolean);
    case 'adam': return new FusedAdam(lr ?? 0.001, (a.beta1 as number | undefined) ?? 0.9, (a.beta2 as number | undefined) ?? 0.999, a.epsilon as number | undefined);
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

/** The learning rate for an epoch (0-based) under the schedule. */
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
