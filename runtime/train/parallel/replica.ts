/**
 * One copy of the model in a data-parallel run. A step computes the loss, metrics and
 * gradients of its share of the batch through tfjs's own training function (so losses,
 * metrics and regularisers are exactly `model.fit`'s), but its optimiser only captures
 * the gradients; the averaged gradients are then applied by a real optimiser, the same
 * on every replica, so all copies keep identical weights.
 */
import type { Args, Choice } from '../../../dsl';
import { tf, tfl } from '../../tf';
import { loss, metrics, optimizer, setLearningRate } from '../optim';

/** Stands in for the optimiser inside trainOnBatch: keeps the gradients, changes nothing. */
class GradientCapture extends tf.Optimizer {
  grads: Float32Array[] = [];

  constructor(private readonly names: () => string[]) {
    super();
  }

  override applyGradients(variableGradients: tf.NamedTensorMap | { name: string; tensor: tf.Tensor }[]): void {
    const byName = Array.isArray(variableGradients) ? Object.fromEntries(variableGradients.map((g) => [g.name, g.tensor])) : variableGradients;
    this.grads = this.names().map((name) => {
      const g = byName[name];
      if (!g) throw new Error(`no gradient for ${name}`);
      return (g.dataSync() as Float32Array).slice(); // a copy of its own: it may be sent to another thread
    });
  }

  override getConfig() {
    return {};
  }
}

/** The engine's names of a model's trainable variables, in a fixed order. */
const variableNames = (model: tfl.LayersModel) => model.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val.name);

export interface StepResult {
  /** Loss and metrics of this share, in model.metricsNames order. */
  logs: number[];
  grads: Float32Array[];
}

export class Replica {
  private readonly capture: GradientCapture;
  private readonly optimizer: tf.Optimizer;

  constructor(readonly model: tfl.LayersModel, settings: Args) {
    this.capture = new GradientCapture(() => variableNames(model));
    this.optimizer = optimizer(settings.optimizer as Choice);
    model.compile({ optimizer: this.capture, loss: loss(settings), metrics: metrics(settings) });
  }

  get metricsNames(): string[] {
    return this.model.metricsNames;
  }

  async step(xs: tf.Tensor[], y: tf.Tensor): Promise<StepResult> {
    const out = await this.model.trainOnBatch(xs.length === 1 ? xs[0] : xs, y);
    return { logs: Array.isArray(out) ? out : [out], grads: this.capture.grads };
  }

  apply(grads: Float32Array[]): void {
    const weights = this.model.trainableWeights;
    const names = variableNames(this.model);
    const named = grads.map((g, i) => ({ name: names[i], tensor: tf.tensor(g, weights[i].shape as number[]) }));
    this.optimizer.applyGradients(named);
    tf.dispose(named.map((n) => n.tensor));
  }

  setLearningRate(rate: number): void {
    setLearningRate(this.optimizer, rate);
  }

  weights(): Float32Array[] {
    return this.model.getWeights().map((w) => w.dataSync() as Float32Array);
  }

  setWeights(values: Float32Array[]): void {
    const current = this.model.getWeights();
    const tensors = values.map((v, i) => tf.tensor(v, current[i].shape));
    this.model.setWeights(tensors);
    tf.dispose(tensors);
  }
}

/** Mean of the gradients of shares of n[i] examples each (every share's loss is a mean over its examples). */
export function averageGradients(parts: Float32Array[][], sizes: number[]): Float32Array[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  return parts[0].map((_, v) => {
    const out = new Float32Array(parts[0][v].length);
    parts.forEach((p, i) => {
      const w = sizes[i] / total;
      const g = p[v];
      for (let k = 0; k < out.length; k++) out[k] += g[k] * w;
    });
    return out;
  });
}
