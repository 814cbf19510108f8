/** Data in memory → tensors in the order of a model's inputs. */
import type { ModelGraph } from '../../dsl';
import { exampleLength, type Column, type Data } from '../data/dataset';
import { tf } from '../tf';

/** The examples of a column at these indices, one after another. */
function gather(c: Column, indices: ArrayLike<number>): Float32Array {
  const len = exampleLength(c);
  const out = new Float32Array(indices.length * len);
  for (let i = 0; i < indices.length; i++) out.set(c.data.subarray(indices[i] * len, (indices[i] + 1) * len), i * len);
  return out;
}

export function columnTensor(c: Column, size: number, indices?: ArrayLike<number>): tf.Tensor {
  if (!indices) return tf.tensor(c.data, [size, ...c.shape]);
  return tf.tensor(gather(c, indices), [indices.length, ...c.shape]);
}

/** The feature columns ordered as the model's inputs (by name when the data names them). */
export function orderedFeatures(g: ModelGraph, data: Data): Column[] {
  if (data.features.length === 1) return data.features;
  return g.inputs.map((input, i) => data.features.find((f) => f.name === input.id) ?? data.features[i]);
}

export function featureTensors(g: ModelGraph, data: Data, indices?: ArrayLike<number>): tf.Tensor[] {
  return orderedFeatures(g, data).map((c, i) => {
    const t = columnTensor(c, data.size, indices);
    if (g.inputs[i]?.dtype !== 'int32') return t;
    const ints = tf.cast(t, 'int32');
    t.dispose();
    return ints;
  });
}

export function labelTensor(data: Data, indices?: ArrayLike<number>): tf.Tensor {
  return columnTensor(data.labels!, data.size, indices);
}

/** A batch's columns: the features in the order of the model's inputs, then the labels. */
const batchColumns = (g: ModelGraph, data: Data): Column[] => [...orderedFeatures(g, data), data.labels!];

/** A batch's values: each column's (int32 for a model input that takes int32), as batchColumns orders them. */
export function batchValues(g: ModelGraph, data: Data, indices: ArrayLike<number>): (Float32Array | Int32Array)[] {
  return batchColumns(g, data).map((c, i) => (g.inputs[i]?.dtype === 'int32' ? Int32Array.from(gather(c, indices)) : gather(c, indices)));
}

/** The tensors of a batch's values (these very arrays, not copies): the model's inputs and the labels. */
export function batchTensors(g: ModelGraph, data: Data, values: (Float32Array | Int32Array)[]): { xs: tf.Tensor[]; y: tf.Tensor } {
  const columns = batchColumns(g, data);
  const tensors = values.map((v, i) => tf.tensor(v, [v.length / exampleLength(columns[i]), ...columns[i].shape], v instanceof Int32Array ? 'int32' : 'float32'));
  return { xs: tensors.slice(0, -1), y: tensors[tensors.length - 1] };
}

/** Class index per example: argmax of one-hot labels, the 0/1 label of binary ones, or the class number itself; -1 for regression. */
export function classIndices(data: Pick<Data, 'labels' | 'classes'>, count: number): number[] {
  const labels = data.labels;
  const classes = data.classes;
  if (!labels || !classes) return new Array(count).fill(-1);
  const width = exampleLength(labels);
  return Array.from({ length: count }, (_, i) => {
    if (width === 1) return classes.length > 2 ? Math.round(labels.data[i]) : labels.data[i] >= 0.5 ? 1 : 0;
    let best = 0;
    for (let k = 1; k < width; k++) if (labels.data[i * width + k] > labels.data[i * width + best]) best = k;
    return best;
  });
}

/** A class model's output for one example as its classes' probabilities: one a class, or one unit (a sigmoid's) the second of two; undefined for other outputs. */
export function classProbabilities(output: readonly number[], classes: number): number[] | undefined {
  if (output.length === classes) return [...output];
  return output.length === 1 && classes === 2 ? [1 - output[0], output[0]] : undefined;
}
