/** What the main thread and a replica worker say to each other. */
import type { Args, ModelGraph } from '../../../dsl';
import type { BackendName } from '../../backend';

export interface ColumnMessage {
  data: Float32Array;
  shape: number[];
  name?: string;
}

export type ToReplica =
  | { type: 'init'; graph: ModelGraph; seed: number; settings: Args; backend: BackendName; weights: Float32Array[] }
  /** Compute this share's loss, metrics and gradients. */
  | { type: 'step'; size: number; features: ColumnMessage[]; labels?: ColumnMessage }
  /** Apply a step's averaged gradients, or take a new learning rate; not answered. */
  | { type: 'apply'; grads: Float32Array[] }
  | { type: 'rate'; rate: number }
  | { type: 'weights' };

export type FromReplica =
  | { type: 'ready'; backend: string }
  | { type: 'step'; logs: number[]; grads: Float32Array[] }
  | { type: 'weights'; weights: Float32Array[] }
  | { type: 'error'; message: string };
