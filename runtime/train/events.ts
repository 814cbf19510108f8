/**
 * The training event stream: JSON lines on stdout with `dlnet train --json`, the same
 * stream the editor panel reads. A contract: fields are only ever added.
 */
import type { Diagnostic, ModelSummary } from '../../dsl';

export type Logs = Record<string, number>;

export interface StartEvent {
  type: 'start';
  file: string;
  model: string;
  /** The discriminator, for GAN runs. */
  versus?: string;
  dataset: string;
  line: number;
  backend: string;
  backendReason: string;
  backendSkipped: string[];
  /** Kernels the first choice lacked, when the run fell back to another backend. */
  fallback?: { from: string; missingKernels: string[] };
  summary: ModelSummary[];
  /** `table`: for a table's run, its feature columns and each column of texts' texts (one-hot), as run.json has them. */
  data: { train: number; validation: number; classes?: string[]; table?: { columns: readonly string[]; texts: Readonly<Record<string, readonly string[]>> } };
  epochs: number;
  batchSize: number;
  batchesPerEpoch: number;
  /** Model copies sharing every batch (data-parallel on several cores); 1 when absent. */
  replicas?: number;
  /** On a GPU: a larger batch measured much faster than the run's (batch-advice.ts). */
  batchAdvice?: BatchAdvice;
}

export interface BatchAdvice {
  batchSize: number;
  suggested: number;
  /** samplesPerSec[1] / samplesPerSec[0]. */
  speedup: number;
  /** Measured at batchSize and at suggested. */
  samplesPerSec: [number, number];
  message: string;
}

export interface BatchEvent {
  type: 'batch';
  epoch: number;
  batch: number;
  batchesPerEpoch: number;
  /** Mean over the batches since the last batch event (events are at most ~40 a second). */
  logs: Logs;
  samplesPerSec: number;
}

export interface EpochEvent {
  type: 'epoch';
  epoch: number;
  epochs: number;
  logs: Logs;
  samplesPerSec: number;
  elapsedMs: number;
  etaMs: number;
  learningRate?: number;
  /** Said once, the epoch a run is seen to have gone wrong without failing (stall.ts). */
  warning?: { message: string; line?: number };
  /** What the settings that watch a value did after this epoch, in words: reduceOnPlateau lowered the rate, earlyStopping stops. */
  notes?: string[];
}

export interface Projection {
  /** The statement's name (and the layer's name in the model). */
  name: string;
  line: number;
  /** Width of the layer's output before projection. */
  width: number;
  method: 'identity' | 'pca';
  /** Explained variance of the two components, for PCA. */
  explained?: [number, number];
  points: [number, number][];
}

export interface RepresentationEvent {
  type: 'representation';
  epoch: number;
  /** Class index of each point (or -1 unlabelled / regression). */
  labels: number[];
  layers: Projection[];
  /** For 2-D inputs: the model's output over a grid (probability of class 1, or the predicted class). */
  grid?: { x0: number; x1: number; y0: number; y1: number; n: number; values: number[]; kind: 'probability' | 'class' };
}

export interface SamplesEvent {
  type: 'samples';
  epoch: number;
  /** What the images are: a GAN's generated samples (when absent), or an autoencoder's images, each row followed by the row of their reconstructions. */
  of?: 'generated' | 'reconstructions';
  points?: [number, number][];
  real?: [number, number][];
  images?: { width: number; height: number; pixels: number[][] };
  meanDistanceToRing?: number;
}

export interface EndEvent {
  type: 'end';
  status: 'completed' | 'stopped' | 'early-stopped' | 'failed';
  logs: Logs;
  epochs: number;
  elapsedMs: number;
  savedTo?: string;
  confusion?: { classes: string[]; matrix: number[][] };
  /** The epoch whose weights the run kept, where it is not the last (earlyStopping's restoreBest), with the value watched then. */
  kept?: { epoch: number; monitor: string; value: number };
}

export interface ErrorEvent {
  type: 'error';
  message: string;
  /** 0-based line of the statement the error belongs to, where known. */
  line?: number;
  /** 0-based character on that line, when the error is a diagnostic of the file (as `dlnet check` places it). */
  character?: number;
  /** The diagnostic's code, when the error is one (`invalid-argument`, `shape-mismatch`, …). */
  code?: string;
  /**
   * When the run cannot start for errors in the file: every one of them (in its train
   * statement, dataset, models and the blocks they use), as `dlnet check --json` gives
   * them; the first is the one `message` names.
   */
  diagnostics?: readonly Diagnostic[];
  file?: string;
}

/** How the model reads a few texts validated on (a model trained on token ids, with classes), before training and every epoch. */
export interface PredictionsEvent {
  type: 'predictions';
  epoch: number;
  examples: {
    /** The text as the model reads it: its words (a word outside the vocabulary `[UNK]`), the padding left out. */
    text: string;
    label: string;
    predicted: string;
    /** The predicted class's probability. */
    probability: number;
  }[];
}

/** Where each selfAttention of the model looks, for one example (the first validated on), before training and every epoch. */
export interface AttentionEvent {
  type: 'attention';
  epoch: number;
  layers: {
    /** The statement's name, and its 0-based line. */
    name: string;
    line: number;
    /** The example's steps (at most 64 drawn: the first ones). */
    steps: number;
    /** Each head's weights, row by row (steps × steps): row i, how much step i takes from each step; each row sums to 1. */
    heads: number[][];
  }[];
}

export type TrainEvent = StartEvent | BatchEvent | EpochEvent | RepresentationEvent | AttentionEvent | PredictionsEvent | SamplesEvent | EndEvent | ErrorEvent;

export type Sink = (event: TrainEvent) => void;

/** How every reader of the stream shows an event's 0-based line: " (line 8)", or nothing. */
export const atLine = (line: number | undefined): string => (line === undefined ? '' : ` (line ${line + 1})`);
