/**
 * What each named statement makes of a fixed sample of the data, projected to 2-D,
 * every epoch; and for 2-D inputs, the model's output over a grid (the decision boundary).
 */
import type { ModelGraph } from '../../dsl';
import type { Data } from '../data/dataset';
import { tf, tfl } from '../tf';
import type { Projection, RepresentationEvent } from './events';
import { project2d } from './project';
import { classIndices, featureTensors } from './tensors';

const SAMPLE = 300;
const GRID = 40;

export class RepresentationProbe {
  private readonly probe?: tfl.LayersModel;
  private readonly names: { name: string; line: number }[];
  private readonly inputs: tf.Tensor[];
  private readonly labels: number[];
  private readonly grid?: { x0: number; x1: number; y0: number; y1: number; tensor: tf.Tensor };

  constructor(private readonly model: tfl.LayersModel, g: ModelGraph, data: Data) {
    const count = Math.min(SAMPLE, data.size);
    const indices = Array.from({ length: count }, (_, i) => i);
    this.inputs = featureTensors(g, data, indices);
    // An autoencoder's examples are coloured by the dataset's own classes.
    this.labels = classIndices(data.shown ?? data, count);
    const named = g.layers.filter((l) => l.named && l.outputShape.every((d) => typeof d === 'number'));
    this.names = named.map((l) => ({ name: l.id, line: l.range.start.line }));
    if (named.length) this.probe = tfl.model({ inputs: model.inputs, outputs: named.map((l) => model.getLayer(l.id).output as tfl.SymbolicTensor) });
    const only = g.inputs.length === 1 && g.inputs[0].shape.length === 1 && g.inputs[0].shape[0] === 2 && g.outputs.length === 1;
    if (only) {
      const xs = data.features[0].data;
      let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
      for (let i = 0; i < data.size; i++) {
        x0 = Math.min(x0, xs[2 * i]); x1 = Math.max(x1, xs[2 * i]);
        y0 = Math.min(y0, xs[2 * i + 1]); y1 = Math.max(y1, xs[2 * i + 1]);
      }
      const px = (x1 - x0) * 0.1, py = (y1 - y0) * 0.1;
      [x0, x1, y0, y1] = [x0 - px, x1 + px, y0 - py, y1 + py];
      const pts = new Float32Array(GRID * GRID * 2);
      for (let r = 0; r < GRID; r++) for (let c = 0; c < GRID; c++) {
        pts[(r * GRID + c) * 2] = x0 + ((c + 0.5) / GRID) * (x1 - x0);
        pts[(r * GRID + c) * 2 + 1] = y0 + ((r + 0.5) / GRID) * (y1 - y0);
      }
      this.grid = { x0, x1, y0, y1, tensor: tf.tensor(pts, [GRID * GRID, 2]) };
    }
  }

  async snapshot(epoch: number): Promise<RepresentationEvent> {
    const layers: Projection[] = [];
    if (this.inputs.length === 1 && this.inputs[0].shape.length === 2 && this.inputs[0].shape[1] === 2) {
      const data = (await this.inputs[0].data()) as Float32Array;
      layers.push({ name: 'input', line: -1, width: 2, method: 'identity', points: Array.from({ length: this.labels.length }, (_, i) => [data[2 * i], data[2 * i + 1]]) });
    }
    if (this.probe) {
      const out = this.probe.predict(this.inputs.length === 1 ? this.inputs[0] : this.inputs);
      const outs = Array.isArray(out) ? out : [out];
      for (let k = 0; k < outs.length; k++) {
        const t = outs[k];
        const width = t.size / t.shape[0];
        const flat = (await t.data()) as Float32Array;
        const rows = Array.from({ length: t.shape[0] }, (_, i) => flat.subarray(i * width, (i + 1) * width));
        const p = project2d(rows, width);
        layers.push({ name: this.names[k].name, line: this.names[k].line, width, ...p, points: p.points.map(([a, b]) => [round(a), round(b)]) });
      }
      tf.dispose(outs);
    }
    const event: RepresentationEvent = { type: 'representation', epoch, labels: this.labels, layers };
    if (this.grid) {
      const pred = this.model.predict(this.grid.tensor) as tf.Tensor;
      const width = pred.shape[1] ?? 1;
      const values = (await pred.data()) as Float32Array;
      pred.dispose();
      event.grid = {
        x0: this.grid.x0, x1: this.grid.x1, y0: this.grid.y0, y1: this.grid.y1, n: GRID,
        kind: width === 1 ? 'probability' : 'class',
        values: width === 1 ? Array.from(values, round) : Array.from({ length: GRID * GRID }, (_, i) => argmax(values.subarray(i * width, (i + 1) * width))),
      };
    }
    return event;
  }

  dispose(): void {
    tf.dispose(this.inputs);
    this.grid?.tensor.dispose();
  }
}

const round = (x: number) => Math.round(x * 1e4) / 1e4;
function argmax(v: Float32Array): number {
  let best = 0;
  for (let i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
  return best;
}
