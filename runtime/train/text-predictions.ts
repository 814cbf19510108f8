/**
 * How a model trained on texts (token ids, a csv source's `text:`) reads a few fixed texts
 * validated on, every epoch: each text as the model reads it, its class and the class the
 * model gives it. The panel lists them, right and wrong, so the texts a model misreads
 * ("the plot was not dull" read as blame) show as it learns.
 */
import type { ModelGraph } from '../../dsl';
import type { Data } from '../data/dataset';
import { tf, type tfl } from '../tf';
import type { PredictionsEvent } from './events';
import { classIndices, classProbabilities, featureTensors } from './tensors';

/** Texts shown: a screenful. */
const SHOWN = 8;

export class TextPredictionsProbe {
  private constructor(
    private readonly model: tfl.LayersModel,
    private readonly inputs: tf.Tensor[],
    private readonly texts: string[],
    private readonly labels: string[],
    private readonly classes: readonly string[],
  ) {}

  /** A probe for a class model whose one input is token ids; none for others. */
  static of(model: tfl.LayersModel, g: ModelGraph, data: Data): TextPredictionsProbe | undefined {
    const { words, classes } = data;
    if (!words || !classes || g.inputs.length !== 1 || data.features.length !== 1 || data.size === 0) return undefined;
    const count = Math.min(SHOWN, data.size);
    const indices = Array.from({ length: count }, (_, i) => i);
    const ids = data.features[0];
    const length = ids.shape[0];
    const texts = indices.map((i) => Array.from(ids.data.subarray(i * length, (i + 1) * length)).filter((id) => id !== 0).map((id) => words[id] ?? '[UNK]').join(' '));
    const labels = classIndices(data, count).map((k) => classes[k]);
    return new TextPredictionsProbe(model, featureTensors(g, data, indices), texts, labels, classes);
  }

  async snapshot(epoch: number): Promise<PredictionsEvent> {
    const out = this.model.predict(this.inputs[0]) as tf.Tensor;
    const values = (await out.array()) as number[][];
    out.dispose();
    const examples = values.map((row, i) => {
      const probabilities = classProbabilities(row, this.classes.length) ?? row;
      const best = probabilities.reduce((b, p, k) => (p > probabilities[b] ? k : b), 0);
      return { text: this.texts[i], label: this.labels[i], predicted: this.classes[best] ?? String(best), probability: probabilities[best] };
    });
    return { type: 'predictions', epoch, examples };
  }

  dispose(): void {
    tf.dispose(this.inputs);
  }
}
