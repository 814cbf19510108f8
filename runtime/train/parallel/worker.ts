/**
 * A replica in a worker thread (bundled as dist/train-worker.js): builds the same model
 * from the checked graph, takes the main thread's weights, and answers each step with
 * the loss, metrics and gradients of its share of the batch.
 */
import { parentPort } from 'node:worker_threads';
import { selectBackend } from '../../backend';
import { compileModel } from '../../compile/compile';
import type { Data } from '../../data/dataset';
import { tf } from '../../tf';
import { featureTensors, labelTensor } from '../tensors';
import type { FromReplica, ToReplica } from './messages';
import { Replica } from './replica';

let replica: Replica | undefined;
let graph: Extract<ToReplica, { type: 'init' }>['graph'];

const reply = (m: FromReplica, transfer: ArrayBuffer[] = []) => parentPort!.postMessage(m, transfer);

async function handle(m: ToReplica): Promise<void> {
  if (m.type === 'init') {
    const backend = await selectBackend(m.backend);
    graph = m.graph;
    replica = new Replica(compileModel(m.graph, m.seed), m.settings);
    replica.setWeights(m.weights);
    reply({ type: 'ready', backend: backend.name });
  } else if (m.type === 'apply') {
    replica!.apply(m.grads);
  } else if (m.type === 'rate') {
    replica!.setLearningRate(m.rate);
  } else if (m.type === 'step') {
    if (m.size === 0) return reply({ type: 'step', logs: [], grads: [] }); // a share too small to have examples
    const data: Data = { size: m.size, features: m.features, labels: m.labels };
    const xs = featureTensors(graph, data);
    const y = labelTensor(data);
    const { logs, grads } = await replica!.step(xs, y);
    tf.dispose([...xs, y]);
    reply({ type: 'step', logs, grads }, grads.map((g) => g.buffer as ArrayBuffer));
  } else if (m.type === 'weights') {
    reply({ type: 'weights', weights: replica!.weights() });
  }
}

// Messages are handled one at a time, in order: a step sees every update and rate sent before it.
let queue = Promise.resolve();
parentPort!.on('message', (m: ToReplica) => {
  queue = queue.then(() => handle(m)).catch((e: Error) => reply({ type: 'error', message: e.message }));
});
