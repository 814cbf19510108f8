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
  /** Apply the previous step's averaged gradients (and a new learning rate), then compute this share's. */
  | { type: 'step'; apply?: Float32Array[]; rate?: number; size: number; features: ColumnMessage[]; labels?: ColumnMessage }
  | { type: 'weights' };

export type FromReplica =
  | { type: 'ready'; backend: string }
  | { type: 'step'; logs: number[]; grads: Float32Array[] }
  | { type: 'weights'; weights: Float32Array[] }
  | { type: 'error'; message: string };
