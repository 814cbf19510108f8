/**
 * Real training on small data: learning happens, saving round-trips, stop and NaN are
 * handled, bad data gives the promised errors, GAN steps update both networks.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { selectBackend } from '../../runtime/backend';
import { Control } from '../../runtime/train/control';
import type { TrainEvent } from '../../runtime/train/events';
import { runTraining } from '../../runtime/train/run';
import { loadModel } from '../../runtime/train/save';
import { tf } from '../../runtime/tf';

const dir = mkdtempSync(join(tmpdir(), 'dlnet-train-'));
writeFileSync(join(dir, 'package.json'), '{}');
const out = join(dir, 'runs');

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

async function train(path: string, extra: Partial<Parameters<typeof runTraining>[0]> = {}) {
  const events: TrainEvent[] = [];
  const result = await runTraining({ file: path, out, sink: (e) => events.push(e), control: new Control(), backend: 'cpu', ...extra });
  return { result, events, of: <T extends TrainEvent['type']>(t: T) => events.filter((e) => e.type === t) as Extract<TrainEvent, { type: T }>[] };
}

const rings = (epochs: number, extra = '') => `dataset rings = rings(samples: 1000, noise: 0.05, seed: 1)
model RingNet {
  input point: [2]
  dense(16, activation: tanh)
  features = dense(2, activation: tanh)
  dense(1, activation: sigmoid)
}
train RingNet on rings {
  loss: binaryCrossentropy
  optimizer: adam(learningRate: 0.03)
  epochs: ${epochs}
  batchSize: 32
  validationSplit: 0.2
  metrics: [accuracy]
  ${extra}
}
`;

describe('training', () => {
  it('learns the rings to ≥ 95% validation accuracy, streaming every kind of event', async () => {
    const { result, of } = await train(file('rings.dlnet', rings(25)));
    expect(result.status).toBe('completed');
    const start = of('start')[0];
    expect(start).toMatchObject({ backend: 'cpu', model: 'RingNet', dataset: 'rings', data: { train: 800, validation: 200 } });
    const epochs = of('epoch');
    expect(epochs).toHaveLength(25);
    expect(epochs[24].logs.val_acc).toBeGreaterThanOrEqual(0.95);
    expect(epochs[24].logs.loss).toBeLessThan(epochs[0].logs.loss);
    // Batch events come at most every 25 ms, and always for an epoch's last batch.
    const batches = of('batch');
    expect(batches.length).toBeGreaterThanOrEqual(25);
    for (let e = 1; e <= 25; e++) expect(batches.find((b) => b.epoch === e && b.batch === b.batchesPerEpoch)).toBeDefined();
    const reps = of('representation');
    expect(reps).toHaveLength(26);
    expect(reps[0].layers.map((l) => l.name)).toEqual(['input', 'features']);
    expect(reps[0].grid?.values).toHaveLength(1600);
    expect(reps[25].layers[1].points).not.toEqual(reps[0].layers[1].points);
    const end = of('end')[0];
    expect(end.confusion?.matrix.flat().reduce((a, b) => a + b)).toBe(200);
    expect(readdirSync(end.savedTo!).sort()).toEqual(['metrics.jsonl', 'model.json', 'run.json', 'source.dlnet', 'weights.bin']);
    expect(readFileSync(join(end.savedTo!, 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(25);
  });

  it('streams large data through an epoch in chunks and still learns', async () => {
    // A dropout layer keeps the model off the dense-stack loops (which read the data's arrays and need no chunks).
    const { result, of } = await train(file('chunks.dlnet', rings(20).replace('features =', 'dropout(0.05)\n  features =')), { chunkBytes: 2000, representation: false });
    expect(result.status).toBe('completed');
    const epochs = of('epoch');
    expect(epochs).toHaveLength(20);
    expect(epochs[19].logs.val_acc).toBeGreaterThanOrEqual(0.9);
    const last = of('batch').filter((b) => b.epoch === 1).pop()!;
    expect(last.batch).toBe(25);
    expect(last.batchesPerEpoch).toBe(25);
  });

  it('saves a model that loads back with identical predictions', async () => {
    const { result } = await train(file('save.dlnet', rings(2)));
    const loaded = await loadModel(result.savedTo!);
    const again = await loadModel(result.savedTo!);
    const x = tf.tensor([[0.1, 0.2], [0.9, -0.3], [0, 0]]);
    const a = await (loaded.predict(x) as tf.Tensor).data();
    const b = await (again.predict(x) as tf.Tensor).data();
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(a.every((v) => v > 0 && v < 1)).toBe(true);
  });

  it('stops early once the watched value stops improving, and keeps the best epoch\'s weights with restoreBest', async () => {
    // A minDelta no change reaches: epoch 1 is the best (anything beats nothing), and two more without improvement stop the run.
    const watched = (restoreBest: boolean) => rings(20, `earlyStopping: earlyStopping(patience: 2, minDelta: 100, restoreBest: ${restoreBest})`);
    const kept = await train(file('early-kept.dlnet', watched(true)), { representation: false });
    expect(kept.result.status).toBe('early-stopped');
    const epochs = kept.of('epoch');
    expect(epochs.map((e) => e.epoch)).toEqual([1, 2, 3]);
    expect(epochs[2].notes).toEqual([expect.stringMatching(/^earlyStopping: val_loss has not improved on 0\.\d+ \(epoch 1\) for 2 epochs: training stops$/)]);
    const end = kept.of('end')[0];
    expect(end.kept).toEqual({ epoch: 1, monitor: 'val_loss', value: epochs[0].logs.val_loss });
    expect(JSON.parse(readFileSync(join(end.savedTo!, 'run.json'), 'utf8')).kept).toEqual(end.kept);
    // The weights saved are those after epoch 1: the same as a run of one epoch from the same seed, and not the last epoch's.
    const oneEpoch = await train(file('early-one.dlnet', rings(1)), { representation: false });
    const last = await train(file('early-last.dlnet', watched(false)), { representation: false });
    expect(last.of('end')[0].kept).toBeUndefined();
    const weights = async (run: { result: { savedTo?: string } }) => (await loadModel(run.result.savedTo!)).getWeights().flatMap((w) => Array.from(w.dataSync()));
    const [best, first, third] = [await weights(kept), await weights(oneEpoch), await weights(last)];
    expect(best).toEqual(first);
    expect(third).not.toEqual(first);
    // Patience 0 stops at the first epoch without improvement, not at one that improved.
    const impatient = await train(file('early-0.dlnet', rings(20, 'earlyStopping: earlyStopping(patience: 0, minDelta: 100)')), { representation: false });
    expect(impatient.of('epoch').map((e) => e.epoch)).toEqual([1, 2]);
  });

  it('lowers the learning rate on a plateau, as Keras\'s ReduceLROnPlateau does, and says so', async () => {
    const { result, of } = await train(file('plateau.dlnet', rings(5, 'schedule: reduceOnPlateau(0.5, patience: 1, minDelta: 100, minRate: 0.01)')), { representation: false });
    expect(result.status).toBe('completed');
    // Epoch 1 is the best; each later one without improvement halves the rate, down to minRate.
    expect(of('epoch').map((e) => e.learningRate)).toEqual([0.03, 0.03, 0.015, 0.01, 0.01]);
    expect(of('epoch').map((e) => e.notes?.length ?? 0)).toEqual([0, 1, 1, 0, 0]);
    expect(of('epoch')[1].notes![0]).toMatch(/^reduceOnPlateau: val_loss has not improved on 0\.\d+ \(epoch 1\) for 1 epoch: learning rate 0\.0300 → 0\.0150$/);
  });

  it('stops on request after the current batch and keeps what was learnt', async () => {
    const control = new Control();
    const events: TrainEvent[] = [];
    const result = await runTraining({ file: file('stop.dlnet', rings(50)), out, backend: 'cpu', control, sink: (e) => {
      events.push(e);
      if (e.type === 'epoch' && e.epoch === 2) control.stop();
    } });
    expect(result.status).toBe('stopped');
    expect(events.filter((e) => e.type === 'epoch').length).toBe(2);
    expect(existsSync(join(result.savedTo!, 'model.json'))).toBe(true);
  });

  it('stops with a clear error naming the epoch and batch when the loss becomes NaN, leaving no output folder', async () => {
    const before = existsSync(out) ? readdirSync(out).length : 0;
    const text = `dataset d = sine(samples: 200)
model M {
  input s: [20, 1]
  flatten
  dense(8)
  dense(1)
}
train M on d { loss: meanSquaredError; optimizer: sgd(learningRate: 1e6); epochs: 3 }
`;
    const { result, of } = await train(file('nan.dlnet', text));
    expect(result.status).toBe('failed');
    const err = of('error')[0];
    expect(err.message).toMatch(/loss became (NaN|Infinity|-Infinity) at epoch 1, batch \d+/);
    expect(err.line).toBe(7);
    expect(readdirSync(out).filter((f) => f.endsWith('.partial'))).toEqual([]);
    expect(readdirSync(out).length).toBe(before);
  });

  it('warns once, at its optimizer line, when the loss stalls without failing', async () => {
    // Softmax over relu units that a huge step killed: the clipped cross-entropy sits at one value.
    const text = `dataset d = blobs(samples: 200, centers: 3, dims: 4)
model M {
  input x: [4]
  dense(16, activation: relu)
  dense(3, activation: softmax)
}
train M on d {
  loss: categoricalCrossentropy
  optimizer: sgd(learningRate: 1e6)
  epochs: 6
}
`;
    const { result, of } = await train(file('stall.dlnet', text));
    expect(result.status).toBe('completed');
    const warned = of('epoch').filter((e) => e.warning);
    expect(warned).toHaveLength(1);
    expect(warned[0].warning!.line).toBe(8);
    expect(warned[0].warning!.message).toMatch(/^the loss has stayed at [\d.]+ since epoch \d: training has stalled; the learning rate 1e6 is far too high/);
    // A run that learns says nothing.
    const { of: fine } = await train(file('fine.dlnet', text.replace('sgd(learningRate: 1e6)', 'adam(learningRate: 0.01)')));
    expect(fine('epoch').filter((e) => e.warning)).toEqual([]);
  });

  it('warns once, at the model, when the loss stays at the class frequencies\' entropy', async () => {
    // Sample 03's PoorInit: tiny initial weights in a deep relu stack, so nothing reaches the output.
    const text = `dataset rings = rings(samples: 400, seed: 2)
model Faded {
  input p: [2]
  repeat 8 { dense(16, activation: relu, init: randomNormal(stddev: 0.01)) }
  dense(1, activation: sigmoid)
}
train Faded on rings { loss: binaryCrossentropy; optimizer: adam(learningRate: 0.003); epochs: 12 }
`;
    const { of } = await train(file('faded.dlnet', text));
    const warned = of('epoch').filter((e) => e.warning);
    expect(warned.map((e) => e.epoch)).toEqual([10]);
    expect(warned[0].warning!.line).toBe(1);
    expect(warned[0].warning!.message).toMatch(/no better than predicting the class frequencies \(0\.69\d*\) for 10 epochs/);
  });

  it('trains on a CSV column of class numbers read as classes, and names them for the panel and the confusion', async () => {
    // Three clusters of points in the plane, labelled 0, 1 and 2 as numbers (not text, which would be one-hot).
    const random = (() => { let s = 7; return () => ((s = (s * 16807) % 2147483647) / 2147483647); })();
    const rows = Array.from({ length: 300 }, (_, i) => {
      const k = i % 3;
      return `${(Math.cos(2 * k) * 3 + random() - 0.5).toFixed(3)},${(Math.sin(2 * k) * 3 + random() - 0.5).toFixed(3)},${k}`;
    });
    file('clusters.csv', ['x,y,cluster', ...rows].join('\n'));
    const text = `dataset points = csv("clusters.csv", label: "cluster")
model Clusters {
  input p: [2]
  dense(8, activation: tanh)
  dense(3, activation: softmax)
}
train Clusters on points {
  loss: sparseCategoricalCrossentropy
  optimizer: adam(learningRate: 0.05)
  epochs: 15
  validationSplit: 0.2
  metrics: [accuracy]
}
`;
    const { result, of } = await train(file('clusters.dlnet', text));
    expect(result.status).toBe('completed');
    const epochs = of('epoch');
    expect(epochs[epochs.length - 1].logs.val_acc).toBeGreaterThanOrEqual(0.95);
    expect(new Set(of('representation')[0].labels)).toEqual(new Set([0, 1, 2]));
    const confusion = of('end')[0].confusion!;
    expect(confusion.classes).toEqual(['0', '1', '2']);
    expect(confusion.matrix.flat().reduce((a, b) => a + b)).toBe(60);
  });

  it('trains on a CSV whose columns of texts are features one-hot, its ignored columns left out', async () => {
    // Whether a passenger is saved follows the text column `sex` alone; `id` would only add noise.
    const ports = ['S', 'C', 'Q'];
    const rows = Array.from({ length: 200 }, (_, i) => `${i},${i % 3 === 0 ? 'female' : 'male'},${ports[i % 5 % 3]},${i % 3 === 0 ? 1 : 0}`);
    file('people.csv', ['id,sex,port,saved', ...rows].join('\n'));
    const text = `dataset people = csv("people.csv", label: "saved", ignore: ["id"])
model Saved {
  input x: [5]
  dense(1, activation: sigmoid)
}
train Saved on people { loss: binaryCrossentropy; optimizer: adam(learningRate: 0.1); epochs: 20; validationSplit: 0.2; metrics: [accuracy] }
`;
    const { result, of } = await train(file('people.dlnet', text), { representation: false });
    // The panel's row form reads the columns from the start.
    expect(of('start')[0].data.table).toEqual({ columns: ['sex', 'port'], texts: { sex: ['female', 'male'], port: ['C', 'Q', 'S'] } });
    expect(result.status).toBe('completed');
    const epochs = of('epoch');
    expect(epochs[epochs.length - 1].logs.val_acc).toBe(1);
  });

  it('validates on a table of fewer texts read as the table trained on: each one-hot feature means the same text in both', async () => {
    // Red is saved; the validation table has no blue, and its columns in another order.
    const colours = ['red', 'green', 'blue'];
    file('colours.csv', ['colour,size,saved', ...Array.from({ length: 150 }, (_, i) => `${colours[i % 3]},${i % 7},${i % 3 === 0 ? 1 : 0}`)].join('\n'));
    file('colours-later.csv', ['saved,size,colour', ...Array.from({ length: 40 }, (_, i) => `${i % 2 === 0 ? 1 : 0},${i % 5},${i % 2 === 0 ? 'red' : 'green'}`)].join('\n'));
    const text = `dataset colours = csv("colours.csv", label: "saved")
dataset later = csv("colours-later.csv", label: "saved")
model Saved {
  input x: [4]
  dense(1, activation: sigmoid)
}
train Saved on colours { loss: binaryCrossentropy; optimizer: adam(learningRate: 0.1); epochs: 30; validation: later; metrics: [accuracy] }
`;
    const { result, of } = await train(file('colours.dlnet', text), { representation: false });
    expect(result.status).toBe('completed');
    const epochs = of('epoch');
    expect(epochs[epochs.length - 1].logs.val_acc).toBe(1);
    // Its 0/1 labels are classes to binaryCrossentropy: the confusion, of the table validated on, names them.
    expect(of('end')[0].confusion).toMatchObject({ classes: ['0', '1'] });
  });

  it('trains an autoencoder on a table that names no label column: every column a feature', async () => {
    // Four columns, two of them made of the other two: a 2-wide code can hold all four.
    const rows = Array.from({ length: 300 }, (_, i) => {
      const [a, b] = [Math.sin(i * 12.9898) * 0.5 + 0.5, Math.cos(i * 78.233) * 0.5 + 0.5];
      return [a, b, a + b, a - b].map((v) => v.toFixed(4)).join(',');
    });
    file('sensors.csv', ['a,b,c,d', ...rows].join('\n'));
    const { result, of } = await train(file('sensors.dlnet', `dataset sensors = csv("sensors.csv")
model Squeeze {
  input x: [4]
  dense(8, activation: tanh)
  code = dense(2)
  dense(4)
}
train Squeeze on sensors { target: features; loss: meanSquaredError; optimizer: adam(learningRate: 0.01); epochs: 40; validationSplit: 0.2 }
`), { representation: false });
    expect(result.status).toBe('completed');
    const epochs = of('epoch');
    expect(epochs[39].logs.val_loss).toBeLessThan(epochs[0].logs.val_loss / 10);
    expect(JSON.parse(readFileSync(join(result.savedTo!, 'run.json'), 'utf8')).table.columns).toEqual(['a', 'b', 'c', 'd']);
  });

  it('trains an autoencoder (target: features) to give back its input through a narrow code', async () => {
    // 4 blobs in 16 dimensions, spread 1: the mean alone leaves ~9 a dimension (the centers' spread, uniform over ±5, and the
    // noise's); a 3-wide code can hold which blob, not the noise, so the least error is ~13/16 of the noise's 1.
    const { result, of } = await train(file('autoencoder.dlnet', `dataset points = blobs(centers: 4, dims: 16, samples: 800, seed: 3)
model Squeeze {
  input x: [16]
  dense(16, activation: tanh)
  code = dense(3)
  dense(16, activation: tanh)
  dense(16)
}
train Squeeze on points {
  target: features
  loss: meanSquaredError
  optimizer: adam(learningRate: 0.01)
  epochs: 30
  validationSplit: 0.2
}
`));
    expect(result.status).toBe('completed');
    const epochs = of('epoch');
    expect(epochs[0].logs.loss).toBeGreaterThan(3);
    expect(epochs[29].logs.val_loss).toBeLessThan(1.2);
    // Values given back, no classes: no confusion matrix; yet the code is drawn with the examples coloured by their blob.
    expect(of('end')[0].confusion).toBeUndefined();
    expect(of('start')[0].data.classes).toHaveLength(4);
    const drawn = of('representation').pop()!;
    expect(drawn.layers.map((l) => [l.name, l.width, l.method])).toEqual([['code', 3, 'pca']]);
    expect(new Set(drawn.labels)).toEqual(new Set([0, 1, 2, 3]));
  });

  it('shows an autoencoder\'s reconstructions of images every epoch, below the images', async () => {
    const { result, of } = await train(file('digits-autoencoder.dlnet', `dataset digits = mnist(samples: 300, flat: true)
model Squeeze {
  input pixels: [784]
  code = dense(16, activation: relu)
  dense(784, activation: sigmoid)
}
train Squeeze on digits { target: features; loss: binaryCrossentropy; optimizer: adam(learningRate: 0.01); epochs: 3; validationSplit: 0.1 }
`));
    expect(result.status).toBe('completed');
    const shown = of('samples');
    expect(shown.map((s) => s.epoch)).toEqual([0, 1, 2, 3]);
    const last = shown[3];
    expect(last.of).toBe('reconstructions');
    expect(last.images!.width).toBe(28);
    expect(last.images!.pixels).toHaveLength(16);
    // Rows 0 and 2 are the images, the same every epoch; rows 1 and 3 what the model gives back, which training changes.
    const tile = (s: typeof last, i: number) => s.images!.pixels[i].join();
    expect(tile(shown[0], 0)).toBe(tile(last, 0));
    expect(tile(shown[0], 4)).not.toBe(tile(last, 4));
    // Learnt: each reconstruction is nearer its image than before training.
    const error = (s: typeof last) => [0, 1, 2, 3].reduce((sum, k) => sum + s.images!.pixels[k].reduce((e, v, p) => e + Math.abs(v - s.images!.pixels[k + 4][p]), 0), 0);
    expect(error(last)).toBeLessThan(0.7 * error(shown[0]));
  });

  it('learns the adding problem with self-attention far below the constant guess (MSE 0.167)', async () => {
    const { result, of } = await train(file('attention.dlnet', `dataset sums = adding(samples: 800, length: 10, seed: 1)
model Attender {
  input seq: [10, 2]
  dense(32, activation: relu)
  attended = selfAttention(4)
  globalAvgPool1d
  dense(32, activation: relu)
  dense(1)
}
train Attender on sums { loss: meanSquaredError; optimizer: adam(learningRate: 0.003); epochs: 10; batchSize: 64; validationSplit: 0.2 }
`), { backend: 'wasm' });
    expect(result.status).toBe('completed');
    expect(of('epoch')[9].logs.val_loss).toBeLessThan(0.03);
    // Where it looks, before training and every epoch: 4 heads of 10 × 10 weights, each row summing to 1.
    const looks = of('attention');
    expect(looks.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const [layer] = looks[10].layers;
    expect([layer.name, layer.line, layer.steps, layer.heads.length]).toEqual(['attended', 4, 10, 4]);
    for (const map of layer.heads) for (let r = 0; r < 10; r++) expect(map.slice(r * 10, r * 10 + 10).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 2);
  });

  it('learns reviews read as token ids, and saves the vocabulary with the run', async () => {
    // samples/data/reviews.csv: the first 3,000 reviews trained on, the last 1,000 validated on, read with the first's vocabulary.
    const [header, ...rows] = readFileSync(join(__dirname, '../../samples/data/reviews.csv'), 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'reviews.csv'), [header, ...rows.slice(0, 3000)].join('\n'));
    writeFileSync(join(dir, 'reviews-later.csv'), [header, ...rows.slice(3000)].join('\n'));
    const { result, of } = await train(file('reviews.dlnet', `dataset reviews = csv("reviews.csv", label: "sentiment", text: "review", length: 32)
dataset later = csv("reviews-later.csv", label: "sentiment", text: "review")
model Reader {
  input words: [32] int32
  embedding(100, 16)
  lstm(32)
  dense(2, activation: softmax)
}
train Reader on reviews { loss: categoricalCrossentropy; optimizer: adam(learningRate: 0.01); epochs: 4; batchSize: 32; validation: later; metrics: [accuracy] }
`), { backend: 'wasm' });
    expect(result.status).toBe('completed');
    expect(of('start')[0].data).toMatchObject({ train: 3000, validation: 1000, classes: ['negative', 'positive'] });
    expect(of('epoch')[3].logs.val_acc).toBeGreaterThanOrEqual(0.9);
    // How it reads the first 8 texts validated on, before training and every epoch: their words, no padding.
    const reads = of('predictions');
    expect(reads.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4]);
    const firstLater = rows[3000].slice(1, rows[3000].lastIndexOf('"')).toLowerCase().replace(/[^a-z ]/g, '').split(/ +/).filter(Boolean).join(' ');
    expect(reads[4].examples[0]).toMatchObject({ text: firstLater, label: rows[3000].endsWith('positive') ? 'positive' : 'negative' });
    expect(reads[4].examples).toHaveLength(8);
    expect(reads[4].examples.filter((x) => x.predicted === x.label).length).toBeGreaterThanOrEqual(6);
    const vocabulary = readFileSync(join(result.savedTo!, 'vocabulary.txt'), 'utf8').split('\n');
    expect(vocabulary.slice(0, 4)).toEqual(['', '[UNK]', 'the', 'was']);
    expect(JSON.parse(readFileSync(join(result.savedTo!, 'run.json'), 'utf8')).text).toEqual({ column: 'review', length: 32, vocabulary: 'vocabulary.txt' });
  });

  it('reports a missing data file with the dataset line', async () => {
    const { result, of } = await train(file('missing.dlnet', 'dataset d = csv("nowhere.csv", label: "y")\nmodel M {\n  input x: [?]\n  dense(1)\n}\ntrain M on d { loss: meanSquaredError }\n'));
    expect(result.status).toBe('failed');
    expect(of('error')[0]).toMatchObject({ line: 0 });
    expect(of('error')[0].message).toMatch(/nowhere\.csv/);
  });

  it('says so before training when the output folder cannot be made, and trains nothing', async () => {
    const blocker = file('not-a-folder', '');
    const { result, of } = await train(file('out-blocked.dlnet', rings(2)), { out: join(blocker, 'runs') });
    expect(result.status).toBe('failed');
    expect(of('start')).toEqual([]);
    expect(of('error')[0]).toMatchObject({ message: `cannot save the run in ${join(blocker, 'runs')}: a file stands where the folder should be`, line: undefined });
  });

  it('refuses a file with errors, pointing at the first one', async () => {
    const { result, of } = await train(file('broken.dlnet', rings(2).replace('dense(16, activation: tanh)', 'conv2d(8, kernel: 3)')));
    expect(result.status).toBe('failed');
    expect(of('error')[0].message).toMatch(/conv2d expects a rank-3 input/);
    expect(of('error')[0].line).toBe(3);
  });

  it('refuses a model whose block is broken even when an earlier model reported the error first', async () => {
    // The checker reports an error once; the second model that uses the block is just as broken.
    const block = 'block Squash() {\n  dense(4)\n  reshape([3, 3])\n}\n';
    const model = (name: string) => `model ${name} {\n  input x: [4]\n  Squash\n  flatten\n  dense(3, activation: softmax)\n}\n`;
    const text = `dataset d = blobs(centers: 3, dims: 4)\n${block}${model('First')}${model('Second')}train Second on d { loss: categoricalCrossentropy; epochs: 1 }\n`;
    const { result, of } = await train(file('block-error.dlnet', text));
    expect(result.status).toBe('failed');
    expect(of('error')[0].message).toMatch(/train Second cannot run: reshape to \[3, 3\] needs 9 elements/);
    expect(of('error')[0].line).toBe(3);
  });

  it('trains a GAN: both networks change and both losses are reported', async () => {
    const text = `dataset ring = ring2d(samples: 256)
model G {
  input z: [4]
  dense(16, activation: relu, init: heNormal)
  dense(2)
}
model D {
  input p: [2]
  dense(16, activation: relu, init: heNormal)
  dense(1, activation: sigmoid)
}
train G vs D on ring { epochs: 2; batchSize: 64; optimizer: adam(learningRate: 0.01); schedule: exponentialDecay(0.5) }
`;
    const { result, of } = await train(file('gan.dlnet', text));
    expect(result.status).toBe('completed');
    expect(Object.keys(of('epoch')[1].logs).sort()).toEqual(['d_acc', 'd_loss', 'g_loss']);
    // Both networks step at the schedule's rate.
    expect(of('epoch').map((e) => e.learningRate)).toEqual([0.01, 0.005]);
    const samples = of('samples');
    expect(samples).toHaveLength(2);
    expect(samples[0].points).toHaveLength(256);
    expect(samples[1].points).not.toEqual(samples[0].points);
    expect(samples[1].meanDistanceToRing).toBeGreaterThan(0);
    const g = await loadModel(join(result.savedTo!, 'generator'));
    const d = await loadModel(join(result.savedTo!, 'discriminator'));
    expect(g.countParams()).toBe(4 * 16 + 16 + 16 * 2 + 2);
    expect(d.countParams()).toBe(2 * 16 + 16 + 16 + 1);
  });
});

describe('backends', () => {
  it('runs on wasm when asked, and fails clearly when a native backend is missing', async () => {
    expect((await selectBackend('wasm')).name).toBe('wasm');
    await expect(selectBackend('tensorflow')).rejects.toThrow(/tensorflow backend is not available: @tensorflow\/tfjs-node-gpu: not installed/);
    const auto = await selectBackend('auto');
    expect(auto.name).toBe('wasm');
    expect(auto.skipped.join('\n')).toMatch(/tfjs-node: not installed/);
    await selectBackend('cpu');
  });

  it('tells a package that is there but fails to load from one that is not there', async () => {
    // As tfjs-node without its libtensorflow, or an ES-module package on a Node too old to require it.
    const dir = mkdtempSync(join(tmpdir(), 'dlnet-broken-'));
    for (const pkg of ['@tensorflow/tfjs-node', 'webgpu']) {
      mkdirSync(join(dir, 'node_modules', pkg), { recursive: true });
      writeFileSync(join(dir, 'node_modules', pkg, 'package.json'), JSON.stringify({ name: pkg, main: 'index.js' }));
      writeFileSync(join(dir, 'node_modules', pkg, 'index.js'), `throw new Error('${pkg} cannot open libbroken.so');`);
    }
    const auto = await selectBackend('auto', { paths: [dir] });
    expect(auto.name).toBe('wasm');
    const skipped = auto.skipped.join('\n');
    expect(skipped).toContain('@tensorflow/tfjs-node-gpu: not installed');
    expect(skipped).toContain('@tensorflow/tfjs-node: installed but failed to load (@tensorflow/tfjs-node cannot open libbroken.so)');
    expect(skipped).toContain('webgpu: installed but failed to load (webgpu cannot open libbroken.so)');
    await selectBackend('cpu');
  });

  it('falls back from wasm when a training kernel is missing, and says which', async () => {
    const text = `dataset s = shapes(samples: 32, size: 12)
model C {
  input image: [12, 12, 1]
  depthwiseConv2d(3, activation: relu, init: heNormal)
  flatten
  dense(3, activation: softmax)
}
train C on s { loss: categoricalCrossentropy; epochs: 1 }
`;
    // dlnet gives wasm every kernel the catalogue needs, so take one away to see the fallback.
    await selectBackend('wasm');
    const kernel = 'DepthwiseConv2dNativeBackpropFilter';
    const saved = tf.getKernel(kernel, 'wasm')!;
    tf.unregisterKernel(kernel, 'wasm');
    try {
      const { result, of } = await train(file('conv.dlnet', text), { backend: 'wasm', representation: false });
      expect(result.status).toBe('completed');
      const start = of('start')[0];
      expect(start.backend).toBe('cpu');
      expect(start.fallback).toEqual({ from: 'wasm', missingKernels: [kernel] });
    } finally {
      tf.registerKernel(saved);
    }
  });
});
