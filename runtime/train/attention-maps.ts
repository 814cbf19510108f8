/**
 * Where each selfAttention of a model looks, for one fixed example, every epoch: its heads'
 * weights, which the panel draws as maps (row: a step; column: the step it takes from).
 */
import type { ModelGraph } from '../../dsl';
import type { Data } from '../data/dataset';
import { SelfAttention } from '../layers/attention';
import { tfl, type tf } from '../tf';
import type { AttentionEvent } from './events';
import { featureTensors } from './tensors';

/** The steps and heads drawn: enough to see a pattern, few enough to stream every epoch. */
const MOST_STEPS = 64;
const MOST_HEADS = 4;

export class AttentionProbe {
  private constructor(
    private readonly layers: { name: string; line: number; layer: SelfAttention }[],
    /** What feeds each layer, for the example. */
    private readonly probe: tfl.LayersModel,
    private readonly inputs: tf.Tensor[],
  ) {}

  /** A probe for a model with selfAttention layers of known steps; none for others. */
  static of(model: tfl.LayersModel, g: ModelGraph, data: Data): AttentionProbe | undefined {
    const nodes = g.layers.filter((l) => l.kind === 'selfAttention');
    if (nodes.length === 0 || data.size === 0) return undefined;
    const layers = nodes.map((l) => ({ name: l.id, line: l.range.start.line, layer: model.getLayer(l.id) as unknown as SelfAttention }));
    const feeding = layers.map((l) => (l.layer as unknown as tfl.layers.Layer).input as tfl.SymbolicTensor);
    const probe = tfl.model({ inputs: model.inputs, outputs: feeding });
    return new AttentionProbe(layers, probe, featureTensors(g, data, [0]));
  }

  async snapshot(epoch: number): Promise<AttentionEvent> {
    const fed = this.probe.predict(this.inputs.length === 1 ? this.inputs[0] : this.inputs);
    const inputs = Array.isArray(fed) ? fed : [fed];
    const layers: AttentionEvent['layers'] = [];
    for (const [i, { name, line, layer }] of this.layers.entries()) {
      const weights = layer.attentionWeights(inputs[i]); // [1, heads, T, T]
      const [, heads, t] = weights.shape as number[];
      const values = (await weights.data()) as Float32Array;
      weights.dispose();
      const steps = Math.min(t, MOST_STEPS);
      layers.push({
        name, line, steps,
        heads: Array.from({ length: Math.min(heads, MOST_HEADS) }, (_, h) => {
          const map: number[] = [];
          for (let r = 0; r < steps; r++) for (let c = 0; c < steps; c++) map.push(Math.round(values[(h * t + r) * t + c] * 1000) / 1000);
          return map;
        }),
      });
    }
    for (const x of inputs) x.dispose();
    return { type: 'attention', epoch, layers };
  }

  dispose(): void {
    for (const x of this.inputs) x.dispose();
  }
}
