/**
 * Every event of every run, kept outside the webview, so that a panel that was hidden,
 * reloaded or restored can be given the whole story again (no retainContextWhenHidden).
 */
import type { TrainEvent } from '../../runtime/train/events';

export interface Run {
  id: number;
  file: string;
  model: string;
  events: TrainEvent[];
  startedAt: number;
}

const MAX_RUNS = 10;
/** Batch events are many: past this, keep every other one (charts stay smooth). */
const MAX_BATCH_EVENTS = 20_000;

/** Where finished runs are kept across window reloads (VS Code's workspace state). */
export interface RunStore {
  get(): Run[] | undefined;
  set(runs: Run[]): void;
}

/** A stored run keeps its epochs, representations and samples, its latest attention maps, and every fourth batch event. */
const MAX_STORED_JSON = 4_000_000;

export class RunHistory {
  private readonly runs: Run[] = [];
  private next = 1;

  constructor(private readonly store?: RunStore) {
    for (const run of store?.get() ?? []) this.runs.push(run);
    this.next = Math.max(0, ...this.runs.map((r) => r.id)) + 1;
  }

  /** Saves the finished runs, thinned and within a size budget, newest first to keep. */
  persist(): void {
    if (!this.store) return;
    const kept: Run[] = [];
    let size = 0;
    for (const run of [...this.runs].reverse()) {
      let n = 0;
      const events = run.events.filter((e) => e.type !== 'batch' || n++ % 4 === 0);
      const json = JSON.stringify(events).length;
      if (size + json > MAX_STORED_JSON) break;
      size += json;
      kept.unshift({ ...run, events });
    }
    this.store.set(kept);
  }

  start(file: string, model: string): Run {
    const run: Run = { id: this.next++, file, model, events: [], startedAt: Date.now() };
    this.runs.push(run);
    if (this.runs.length > MAX_RUNS) this.runs.shift();
    return run;
  }

  add(run: Run, event: TrainEvent): void {
    // The panel draws the latest attention maps and text predictions only: the run keeps the latest.
    if (event.type === 'attention' || event.type === 'predictions') run.events = run.events.filter((e) => e.type !== event.type);
    run.events.push(event);
    if (event.type === 'batch' && run.events.length > MAX_BATCH_EVENTS) {
      let keep = true;
      run.events = run.events.filter((e) => e.type !== 'batch' || (keep = !keep));
    }
  }

  forFile(file: string): Run[] {
    return this.runs.filter((r) => r.file === file);
  }

  get(id: number): Run | undefined {
    return this.runs.find((r) => r.id === id);
  }

  latest(): Run | undefined {
    return this.runs[this.runs.length - 1];
  }
}
