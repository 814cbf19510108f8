/** Scatter plots of representations (coloured by class), the decision boundary under them, GAN samples, and attention maps. */
import type { Projection, RepresentationEvent, SamplesEvent } from '../../runtime/train/events';
import type { Palette } from './theme';

const SIZE = 240;

function bounds(points: [number, number][]): [number, number, number, number] {
  let x0 = Infinity, x1 = -Infinity, y0 = Infinity, y1 = -Infinity;
  for (const [x, y] of points) {
    x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
  }
  if (!Number.isFinite(x0)) return [-1, 1, -1, 1];
  const px = (x1 - x0) * 0.08 || 1, py = (y1 - y0) * 0.08 || 1;
  return [x0 - px, x1 + px, y0 - py, y1 + py];
}

function hexToRgb(c: string): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})/i.exec(c.trim());
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : [128, 128, 128];
}

export function newCanvas(): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = SIZE;
  c.height = SIZE;
  return c;
}

/**
 * One head's attention map: a cell per (step, step it takes from), shaded from nothing to the
 * theme's first chart colour by its weight, scaled to the map's largest (a uniform row over
 * 50 steps is 0.02 a cell).
 */
export function drawAttentionMap(canvas: HTMLCanvasElement, map: number[], steps: number, p: Palette): void {
  const g = canvas.getContext('2d')!;
  g.clearRect(0, 0, canvas.width, canvas.height);
  const most = Math.max(...map, 1e-6);
  const [r, gr, b] = hexToRgb(p.series[0]);
  const cell = canvas.width / steps;
  map.forEach((w, i) => {
    g.fillStyle = `rgba(${r}, ${gr}, ${b}, ${w / most})`;
    g.fillRect((i % steps) * cell, Math.floor(i / steps) * cell, Math.ceil(cell), Math.ceil(cell));
  });
}

export function drawProjection(canvas: HTMLCanvasElement, layer: Projection, event: RepresentationEvent, p: Palette, withGrid: boolean): void {
  const g = canvas.getContext('2d')!;
  g.clearRect(0, 0, SIZE, SIZE);
  const grid = withGrid ? event.grid : undefined;
  const [x0, x1, y0, y1] = grid ? [grid.x0, grid.x1, grid.y0, grid.y1] : bounds(layer.points);
  const sx = (x: number) => ((x - x0) / (x1 - x0)) * SIZE;
  const sy = (y: number) => SIZE - ((y - y0) / (y1 - y0)) * SIZE;
  if (grid) {
    const cell = SIZE / grid.n;
    const [a, b] = [hexToRgb(p.classes[0]), hexToRgb(p.classes[1])];
    for (let r = 0; r < grid.n; r++) for (let c = 0; c < grid.n; c++) {
      const v = grid.values[r * grid.n + c];
      const rgb = grid.kind === 'probability' ? a.map((ch, k) => Math.round(ch + (b[k] - ch) * v)) : hexToRgb(p.classes[v % p.classes.length]);
      g.fillStyle = `rgba(${rgb[0]}, ${rgb[1]}, ${rgb[2]}, 0.28)`;
      g.fillRect(c * cell, SIZE - (r + 1) * cell, cell + 0.5, cell + 0.5);
    }
  }
  layer.points.forEach(([x, y], i) => {
    const cls = event.labels[i];
    g.fillStyle = cls >= 0 ? p.classes[cls % p.classes.length] : p.foreground;
    g.beginPath();
    g.arc(sx(x), sy(y), 2.2, 0, Math.PI * 2);
    g.fill();
  });
}

export function drawSamples(canvas: HTMLCanvasElement, e: SamplesEvent, p: Palette): void {
  const g = canvas.getContext('2d')!;
  g.clearRect(0, 0, SIZE, SIZE);
  if (e.points) {
    const [x0, x1, y0, y1] = bounds([...(e.real ?? []), ...e.points]);
    const sx = (x: number) => ((x - x0) / (x1 - x0)) * SIZE;
    const sy = (y: number) => SIZE - ((y - y0) / (y1 - y0)) * SIZE;
    const dot = (pts: [number, number][], colour: string) => {
      g.fillStyle = colour;
      for (const [x, y] of pts) {
        g.beginPath();
        g.arc(sx(x), sy(y), 2, 0, Math.PI * 2);
        g.fill();
      }
    };
    dot(e.real ?? [], p.muted + '88');
    dot(e.points, p.series[1]);
  } else if (e.images) {
    const { width, height, pixels } = e.images;
    const cols = 4;
    const tile = SIZE / cols;
    pixels.forEach((px, i) => {
      const img = g.createImageData(width, height);
      px.forEach((v, k) => img.data.set([v, v, v, 255], k * 4));
      const off = document.createElement('canvas');
      off.width = width;
      off.height = height;
      off.getContext('2d')!.putImageData(img, 0, 0);
      g.drawImage(off, (i % cols) * tile, Math.floor(i / cols) * tile, tile - 2, tile - 2);
    });
  }
}
