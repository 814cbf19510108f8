/** Data in memory: one flat array per feature input and for the labels, `size` examples each. */
import { heldOut } from '../../dsl';
import type { Random } from './random';

export interface Column {
  /** The model input this column feeds (named sources such as shapes with regions). */
  name?: string;
  data: Float32Array;
  /** Shape of one example. */
  shape: number[];
}

export interface Data {
  size: number;
  features: Column[];
  labels?: Column;
  /** Names of the classes, for one-hot labels. */
  classes?: string[];
  /** The dataset's own labels and classes where the model learns to output something else (`target: features`): the panel colours examples by them. */
  shown?: { labels: Column; classes: string[] };
  /** Features that are token ids (a csv source's `text:`): the word of each id, so that the panel can show the texts. */
  words?: readonly string[];
}

export const exampleLength = (c: Column) => c.shape.reduce((a, b) => a * b, 1);

/** The examples at `indices`, in that order. */
export function take(data: Data, indices: ArrayLike<number>): Data {
  const pick = (c: Column): Column => {
    const len = exampleLength(c);
    const out = new Float32Array(indices.length * len);
    for (let i = 0; i < indices.length; i++) out.set(c.data.subarray(indices[i] * len, (indices[i] + 1) * len), i * len);
    return { ...c, data: out };
  };
  const shown = data.shown && { ...data.shown, labels: pick(data.shown.labels) };
  return { ...data, size: indices.length, features: data.features.map(pick), labels: data.labels && pick(data.labels), shown };
}

/** A seeded shuffle, then the last `fraction` held out for validation. */
export function split(data: Data, fraction: number, rng: Random): { train: Data; validation?: Data } {
  const order = rng.permutation(data.size);
  const n = heldOut(data.size, fraction);
  if (n === 0) return { train: take(data, order) };
  return { train: take(data, order.subarray(0, data.size - n)), validation: take(data, order.subarray(data.size - n)) };
}
