/**
 * Data-parallel training on several cores: the main thread's replica and N-1 worker
 * replicas each take an equal share of every batch, compute its gradients at the same
 * time, and the main thread averages them (weighted by share size) and applies them
 * everywhere. The optimisation is the same as one process taking the whole batch.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { Args, ModelGraph } from '../../../dsl';
import type { BackendName } from '../../backend';
import { take, type Data } from '../../data/dataset';
import { tf } from '../../tf';
import { featureTensors, labelTensor, orderedFeatures } from '../tensors';
import type { FromReplica, ToReplica } from './messages';
import { averageGradients, Replica } from './replica';

/** The worker bundle: next to the CLI bundle, or in dist/ when running from source (tests). */
function workerFile(): string {
  const candidates = [join(__dirname, 'train-worker.js'), join(__dirname, '..', '..', '..', 'dist', 'train-worker.js')];
  const found = candidates.find(existsSync);
  if (!found) throw new Error('the training worker (dist/train-worker.js) is missing: run npm run build');
  return found;
}

class RemoteReplica {
  private readonly worker: Worker;
  private waiting?: { resolve: (m: FromReplica) => void; reject: (e: Error) => void };
  /** A failure while nothing waited for an answer (an update that is not answered): the next request gets it. */
  private failed?: Error;

  constructor() {
    this.worker = new Worker(workerFile());
    this.worker.on('message', (m: FromReplica) => {
      const w = this.waiting;
      this.waiting = undefined;
      if (m.type === 'error') this.fail(new Error(`a training worker failed: ${m.message}`), w);
      else w?.resolve(m);
    });
    this.worker.on('error', (e) => this.fail(e, this.waiting));
    this.worker.on('exit', (code) => this.fail(new Error(`a training worker exited (code ${code})`), this.waiting));
  }

  private fail(e: Error, waiting: RemoteReplica['waiting']): void {
    if (waiting) waiting.reject(e);
    else this.failed ??= e;
  }

  /** Sends a request; its answer comes back. */
  send(m: ToReplica, transfer: ArrayBuffer[] = []): Promise<FromReplica> {
    if (this.failed) return Promise.reject(this.failed);
    const answer = new Promise<FromReplica>((resolve, reject) => (this.waiting = { resolve, reject }));
    this.worker.postMessage(m, transfer);
    return answer;
  }

  /** Sends an update that is not answered; the worker handles messages in order. */
  post(m: ToReplica): void {
    this.worker.postMessage(m);
  }

  close(): Promise<number> {
    return this.worker.terminate();
  }
}

/** Far enough apart that the replicas' seeds (seed · 1000 + a layer's count, then one more at each dropout call) do not meet. */
const REPLICA_SEED_STRIDE = 7919;

export class DataParallel {
  private constructor(private readonly local: Replica, private readonly remotes: RemoteReplica[], private readonly graph: ModelGraph) {}

  /** Starts `count - 1` workers with copies of the local replica's model and weights. */
  static async start(local: Replica, graph: ModelGraph, seed: number, settings: Args, backend: BackendName, count: number): Promise<DataParallel> {
    const remotes = Array.from({ length: count - 1 }, () => new RemoteReplica());
    const weights = local.weights();
    try {
      // Each replica its own seed, so that it draws its own dropout masks; its weights are the main replica's.
      await Promise.all(remotes.map((r, i) => r.send({ type: 'init', graph, seed: seed + REPLICA_SEED_STRIDE * (i + 1), settings, backend, weights })));
    } catch (e) {
      await Promise.all(remotes.map((r) => r.close()));
      throw e;
    }
    return new DataParallel(local, remotes, graph);
  }

  get replicas(): number {
    return this.remotes.length + 1;
  }

  setLearningRate(rate: number): void {
    this.local.setLearningRate(rate);
    for (const r of this.remotes) r.post({ type: 'rate', rate });
  }

  /**
   * One optimisation step on the examples of `data` at `indices`; returns the batch's loss
   * and metrics (model.metricsNames order). Each share is copied once, straight from `data`.
   */
  async step(data: Data, indices: Uint32Array | number[]): Promise<number[]> {
    const shares = this.replicas;
    const bounds = Array.from({ length: shares + 1 }, (_, i) => Math.round((i * indices.length) / shares));
    const sizes = bounds.slice(1).map((b, i) => b - bounds[i]);
    const remoteAnswers = this.remotes.map((r, i) => {
      const size = sizes[i + 1];
      if (size === 0) return Promise.resolve(undefined);
      const part = take(data, indices.slice(bounds[i + 1], bounds[i + 2]));
      const features = orderedFeatures(this.graph, part).map((c) => ({ data: c.data, shape: c.shape, name: c.name }));
      const labels = { data: part.labels!.data, shape: part.labels!.shape };
      const m: ToReplica = { type: 'step', size, features, labels };
      return r.send(m, [...features.map((f) => f.data.buffer as ArrayBuffer), labels.data.buffer as ArrayBuffer]);
    });
    const mine = indices.slice(0, sizes[0]);
    const xs = featureTensors(this.graph, data, mine);
    const y = labelTensor(data, mine);
    const local = await this.local.step(xs, y);
    tf.dispose([...xs, y]);
    const results = [local, ...(await Promise.all(remoteAnswers)).map((a) => a as Extract<FromReplica, { type: 'step' }> | undefined)];
    const used = results.map((r, i) => (r ? i : -1)).filter((i) => i >= 0);
    const avg = averageGradients(used.map((i) => results[i]!.grads), used.map((i) => sizes[i]));
    // Every replica applies the update now, at the same time as this one, so that it is not on the next step's path.
    for (const r of this.remotes) r.post({ type: 'apply', grads: avg });
    this.local.apply(avg);
    const total = used.reduce((s, i) => s + sizes[i], 0);
    return local.logs.map((_, k) => used.reduce((s, i) => s + results[i]!.logs[k] * sizes[i], 0) / total);
  }

  /** The workers' weights, for tests: every copy must equal the main one. */
  async remoteWeights(): Promise<Float32Array[][]> {
    const answers = await Promise.all(this.remotes.map((r) => r.send({ type: 'weights' })));
    return answers.map((a) => (a as Extract<FromReplica, { type: 'weights' }>).weights);
  }

  async close(): Promise<void> {
    await Promise.all(this.remotes.map((r) => r.close()));
  }
}
