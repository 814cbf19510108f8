/**
 * What an autoencoder (`target: features`) gives back for a few fixed images, every epoch:
 * the panel draws rows of the images, each above the row of their reconstructions, so the
 * code's learning shows as the second row sharpens.
 */
import type { ModelGraph } from '../../dsl';
import type { Data } from '../data/dataset';
import { tf, type tfl } from '../tf';
import type { SamplesEvent } from './events';
import { featureTensors } from './tensors';

/** Images drawn, and how many a row (the panel's grid is four wide: rows of images and of their reconstructions alternate). */
const SHOWN = 8;
const PER_ROW = 4;

export class ReconstructionProbe {
  private constructor(
    private readonly model: tfl.LayersModel,
    private readonly inputs: tf.Tensor[],
    private readonly originals: Float32Array,
    private readonly size: { width: number; height: number },
    /** The originals' range: reconstructions are drawn on the same scale. */
    private readonly range: { lo: number; hi: number },
  ) {}

  /** A probe for a model that gives back greyscale images (an input of [h, w, 1], or a flat square of 64 values or more, such as MNIST's 784); none for other data. */
  static of(model: tfl.LayersModel, g: ModelGraph, data: Data): ReconstructionProbe | undefined {
    const shape = g.inputs.length === 1 && g.outputs.length === 1 ? g.inputs[0].shape : undefined;
    const side = shape?.length === 1 && typeof shape[0] === 'number' ? Math.sqrt(shape[0]) : NaN;
    const size = shape?.length === 3 && shape[2] === 1 && typeof shape[0] === 'number' && typeof shape[1] === 'number'
      ? { height: shape[0], width: shape[1] }
      : Number.isInteger(side) && side >= 8 ? { height: side, width: side } : undefined;
    const count = Math.min(SHOWN, data.size);
    if (!size || count === 0) return undefined;
    const indices = Array.from({ length: count }, (_, i) => i);
    const inputs = featureTensors(g, data, indices);
    const originals = inputs[0].dataSync() as Float32Array;
    let lo = Infinity;
    let hi = -Infinity;
    for (const v of originals) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    return new ReconstructionProbe(model, inputs, Float32Array.from(originals), size, { lo, hi: hi > lo ? hi : lo + 1 });
  }

  async snapshot(epoch: number): Promise<SamplesEvent> {
    const out = this.model.predict(this.inputs.length === 1 ? this.inputs[0] : this.inputs) as tf.Tensor;
    const rebuilt = (await out.data()) as Float32Array;
    out.dispose();
    const { width, height } = this.size;
    const per = width * height;
    const count = this.originals.length / per;
    const grey = (values: Float32Array, i: number) => Array.from(values.subarray(i * per, (i + 1) * per), (v) => Math.round(Math.min(1, Math.max(0, (v - this.range.lo) / (this.range.hi - this.range.lo))) * 255));
    const pixels: number[][] = [];
    for (let row = 0; row * PER_ROW < count; row++) {
      const shown = Array.from({ length: Math.min(PER_ROW, count - row * PER_ROW) }, (_, k) => row * PER_ROW + k);
      pixels.push(...shown.map((i) => grey(this.originals, i)), ...blank(PER_ROW - shown.length, per));
      pixels.push(...shown.map((i) => grey(rebuilt, i)), ...blank(PER_ROW - shown.length, per));
    }
    return { type: 'samples', epoch, of: 'reconstructions', images: { width, height, pixels } };
  }

  dispose(): void {
    tf.dispose(this.inputs);
  }
}

/** Empty tiles that keep a short row's reconstructions below their images. */
const blank = (n: number, per: number): number[][] => Array.from({ length: n }, () => new Array<number>(per).fill(0));
