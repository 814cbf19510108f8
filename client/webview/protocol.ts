/** Messages between the extension host and the training panel (a webview). The host validates every one it receives. */
import type { Prediction } from '../../runtime/cli/predict';
import type { EpochEvent, TrainEvent } from '../../runtime/train/events';

export interface PastRun {
  id: number;
  label: string;
  epochs: EpochEvent[];
}

export type ToWebview =
  | { type: 'replay'; runId: number; events: TrainEvent[]; past: PastRun[]; trusted: boolean; untrustedReason?: string }
  | { type: 'event'; runId: number; event: TrainEvent }
  /** The answer to a `predict`, `predictImage` or `predictRow` message: what the run's model says of the text (its text given back), the drawing or the row, or why it cannot say. */
  | { type: 'prediction'; about: 'text' | 'image' | 'row'; text?: string; prediction?: Prediction; error?: string };

export type FromWebview =
  | { type: 'ready' }
  | { type: 'stop' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'trainAgain' }
  /** Show `line` of the trained file: the whole line, or the cursor at `character` when given. */
  | { type: 'reveal'; line: number; character?: number }
  | { type: 'openFolder'; path: string }
  /** Write `batchSize: value` into the train statement on `line`. */
  | { type: 'setBatchSize'; line: number; value: number }
  /** Ask the model saved in the run folder `run` (trained on texts) what it says of `text`. */
  | { type: 'predict'; run: string; text: string }
  /** Ask the model saved in the run folder `run` (one that takes an image) what it says of a drawing: a PNG of its input's size, base64. */
  | { type: 'predictImage'; run: string; png: string }
  /** Ask the model saved in the run folder `run` (trained on a table) what it says of a row: a value a feature column, as text. */
  | { type: 'predictRow'; run: string; values: Record<string, string> };

const isLine = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0 && (v as number) < 1e7;

/** Accepts only well-formed messages: anything else from the webview is dropped. */
export function validateMessage(m: unknown): FromWebview | undefined {
  if (typeof m !== 'object' || m === null) return undefined;
  const msg = m as Record<string, unknown>;
  switch (msg.type) {
    case 'ready': case 'stop': case 'pause': case 'resume': case 'trainAgain':
      return { type: msg.type };
    case 'reveal':
      if (!isLine(msg.line)) return undefined;
      if (msg.character === undefined) return { type: 'reveal', line: msg.line };
      return isLine(msg.character) ? { type: 'reveal', line: msg.line, character: msg.character } : undefined;
    case 'setBatchSize':
      return isLine(msg.line) && Number.isInteger(msg.value) && (msg.value as number) >= 1 && (msg.value as number) <= 1e6 ? { type: 'setBatchSize', line: msg.line, value: msg.value as number } : undefined;
    case 'predict':
      return typeof msg.run === 'string' && msg.run.length > 0 && msg.run.length < 4096 && typeof msg.text === 'string' && msg.text.trim().length > 0 && msg.text.length <= 10_000
        ? { type: 'predict', run: msg.run, text: msg.text } : undefined;
    case 'predictImage':
      // A PNG of a model's input size is a few kilobytes; 2 MB of base64 is far beyond any.
      return typeof msg.run === 'string' && msg.run.length > 0 && msg.run.length < 4096 && typeof msg.png === 'string' && msg.png.length > 0 && msg.png.length <= 2_000_000 && /^[A-Za-z0-9+/]+={0,2}$/.test(msg.png)
        ? { type: 'predictImage', run: msg.run, png: msg.png } : undefined;
    case 'predictRow': {
      const values = msg.values as Record<string, unknown> | null;
      if (typeof msg.run !== 'string' || msg.run.length === 0 || msg.run.length >= 4096 || typeof values !== 'object' || values === null || Array.isArray(values)) return undefined;
      const entries = Object.entries(values);
      const sane = entries.length > 0 && entries.length <= 1000 && entries.every(([k, v]) => k.length > 0 && k.length <= 1000 && typeof v === 'string' && v.length <= 10_000);
      return sane ? { type: 'predictRow', run: msg.run, values: Object.fromEntries(entries) as Record<string, string> } : undefined;
    }
    case 'openFolder':
      return typeof msg.path === 'string' && msg.path.length > 0 && msg.path.length < 4096 ? { type: 'openFolder', path: msg.path } : undefined;
    default:
      return undefined;
  }
}
