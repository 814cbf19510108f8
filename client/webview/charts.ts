/**
 * Live charts with uPlot (small, fast, no eval under the CSP): per-batch values with an
 * exponential moving average (as TensorBoard smooths), per-epoch train and validation
 * values, and past runs overlaid. Redraws at most once per animation frame.
 */
import uPlot from 'uplot';
import type { Palette } from './theme';

export interface Overlay {
  label: string;
  points: [number, number][];
}

export class MetricChart {
  private readonly xs: number[] = [];
  private readonly batch: (number | null)[] = [];
  private readonly epochTrain: (number | null)[] = [];
  private readonly epochVal: (number | null)[] = [];
  private overlays: Overlay[] = [];
  private plot?: uPlot;
  private kept?: number;
  private dirty = false;
  readonly element: HTMLElement;

  constructor(readonly key: string, private palette: Palette, private smoothing: () => number) {
    this.element = document.createElement('div');
    this.element.className = 'chart';
    this.element.dataset.metric = key;
  }

  addBatch(x: number, value: number): void {
    this.push(x, value, null, null);
  }

  addEpoch(epoch: number, train: number | undefined, val: number | undefined): void {
    this.push(epoch, null, train ?? null, val ?? null);
  }

  /** Marks the epoch whose weights the run kept (earlyStopping's restoreBest) with a dashed line. */
  markKept(epoch: number): void {
    this.kept = epoch;
    this.element.dataset.kept = String(epoch);
    this.plot?.redraw();
  }

  setOverlays(overlays: Overlay[]): void {
    this.overlays = overlays;
    this.rebuild();
  }

  setPalette(p: Palette): void {
    this.palette = p;
    this.rebuild();
  }

  /** Number of plotted points (tests read it). */
  get points(): number {
    return this.xs.length;
  }

  private push(x: number, b: number | null, t: number | null, v: number | null): void {
    this.xs.push(x);
    this.batch.push(b);
    this.epochTrain.push(t);
    this.epochVal.push(v);
    this.schedule();
  }

  schedule(): void {
    if (this.dirty) return;
    this.dirty = true;
    requestAnimationFrame(() => {
      this.dirty = false;
      this.draw();
    });
  }

  private smoothed(): (number | null)[] {
    const alpha = this.smoothing();
    let ema: number | undefined;
    let weight = 0;
    return this.batch.map((v) => {
      if (v === null) return null;
      // Debiased EMA, as TensorBoard: early points are not pulled towards zero.
      weight = alpha * weight + (1 - alpha);
      ema = ema === undefined ? v * (1 - alpha) : alpha * ema + (1 - alpha) * v;
      return ema / weight;
    });
  }

  private data(): uPlot.AlignedData {
    const order = this.xs.map((_, i) => i).sort((a, b) => this.xs[a] - this.xs[b]);
    const pick = (arr: (number | null)[]) => order.map((i) => arr[i]);
    const series: (number | null)[][] = [pick(this.batch), pick(this.smoothed()), pick(this.epochTrain), pick(this.epochVal)];
    const xs = order.map((i) => this.xs[i]);
    // Overlays are drawn at their own epochs: merge their x positions in.
    if (this.overlays.length) {
      const allX = [...new Set([...xs, ...this.overlays.flatMap((o) => o.points.map((p) => p[0]))])].sort((a, b) => a - b);
      const at = (srcX: number[], srcY: (number | null)[]) => {
        const m = new Map<number, number | null>();
        srcX.forEach((x, i) => srcY[i] !== null && m.set(x, srcY[i]));
        return allX.map((x) => m.get(x) ?? null);
      };
      return [allX, ...series.map((s) => at(xs, s)), ...this.overlays.map((o) => at(o.points.map((p) => p[0]), o.points.map((p) => p[1])))] as uPlot.AlignedData;
    }
    return [xs, ...series] as uPlot.AlignedData;
  }

  private rebuild(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.schedule();
  }

  private draw(): void {
    const data = this.data();
    if (this.plot) {
      this.plot.setData(data);
      return;
    }
    const [c0, c1, c2, c3] = this.palette.series;
    const width = Math.max(320, this.element.clientWidth - 12 || 360);
    this.plot = new uPlot({
      title: this.key,
      width, height: 200,
      scales: { x: { time: false } },
      axes: [
        { stroke: this.palette.muted, grid: { stroke: this.palette.grid }, ticks: { stroke: this.palette.grid }, label: 'epoch' },
        { stroke: this.palette.muted, grid: { stroke: this.palette.grid }, ticks: { stroke: this.palette.grid } },
      ],
      series: [
        { label: 'epoch', value: (_u, v) => (v == null ? '' : v.toFixed(2)) },
        { label: 'batch', stroke: c0 + '55', width: 1, spanGaps: true, points: { show: false } },
        { label: 'batch (smoothed)', stroke: c0, width: 2, spanGaps: true, points: { show: false } },
        // Not just 'epoch': the x value is called that too, and this is the training data's mean over each epoch.
        { label: 'train (epoch mean)', stroke: c1, width: 2, spanGaps: true, points: { show: true, size: 5 } },
        { label: 'validation', stroke: c2, width: 2, spanGaps: true, points: { show: true, size: 5 } },
        ...this.overlays.map((o, i) => ({ label: o.label, stroke: this.palette.series[(i + 3) % this.palette.series.length], width: 1, dash: [5, 4], spanGaps: true })),
      ],
      legend: { live: true },
      hooks: { draw: [(u) => this.drawKept(u)] },
    }, data, this.element);
  }

  private drawKept(u: uPlot): void {
    if (this.kept === undefined) return;
    const x = u.valToPos(this.kept, 'x', true);
    const ctx = u.ctx;
    ctx.save();
    ctx.strokeStyle = this.palette.muted;
    ctx.setLineDash([4, 4]);
    ctx.lineWidth = 1;
    ctx.beginPath();
    ctx.moveTo(x, u.bbox.top);
    ctx.lineTo(x, u.bbox.top + u.bbox.height);
    ctx.stroke();
    ctx.fillStyle = this.palette.muted;
    ctx.textAlign = 'left';
    ctx.fillText('kept', x + 4, u.bbox.top + 12);
    ctx.restore();
  }
}
