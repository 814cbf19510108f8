/** The generated sources: rings, spirals, xor, moons, blobs, ring2d, shapes, sine, adding. Seeded, so reproducible. */
import type { Args } from '../../dsl';
import type { Data } from './dataset';
import { Random } from './random';

const n = (args: Args, name: string) => args[name] as number;

function points(size: number, dims: number, labels: number, fill: (i: number, x: Float32Array, y: Float32Array) => void): Data {
  const x = new Float32Array(size * dims);
  const y = new Float32Array(size * labels);
  for (let i = 0; i < size; i++) fill(i, x, y);
  return { size, features: [{ data: x, shape: [dims] }], labels: labels ? { data: y, shape: [labels] } : undefined };
}

export function rings(args: Args): Data {
  const rng = new Random(n(args, 'seed'));
  const noise = n(args, 'noise');
  const factor = n(args, 'factor');
  const d = points(n(args, 'samples'), 2, 1, (i, x, y) => {
    const inner = i % 2;
    const r = inner ? factor : 1;
    const a = rng.uniform(0, 2 * Math.PI);
    x[2 * i] = r * Math.cos(a) + noise * rng.normal();
    x[2 * i + 1] = r * Math.sin(a) + noise * rng.normal();
    y[i] = inner;
  });
  d.classes = ['outer', 'inner'];
  return d;
}

export function spirals(args: Args): Data {
  const rng = new Random(n(args, 'seed'));
  const arms = n(args, 'arms');
  const turns = n(args, 'turns');
  const noise = n(args, 'noise');
  const binary = arms === 2;
  const d = points(n(args, 'samples'), 2, binary ? 1 : arms, (i, x, y) => {
    const arm = i % arms;
    const t = Math.sqrt(rng.next());
    const angle = t * turns * 2 * Math.PI + (arm * 2 * Math.PI) / arms;
    x[2 * i] = t * Math.cos(angle) + noise * rng.normal();
    x[2 * i + 1] = t * Math.sin(angle) + noise * rng.normal();
    if (binary) y[i] = arm;
    else y[i * arms + arm] = 1;
  });
  d.classes = Array.from({ length: arms }, (_, k) => `arm ${k}`);
  return d;
}

export function xor(args: Args): Data {
  const rng = new Random(n(args, 'seed'));
  const noise = n(args, 'noise');
  const d = points(n(args, 'samples'), 2, 1, (i, x, y) => {
    const a = n(args, 'samples') === 4 ? i >> 1 : rng.int(2);
    const b = n(args, 'samples') === 4 ? i & 1 : rng.int(2);
    x[2 * i] = a + noise * rng.normal();
    x[2 * i + 1] = b + noise * rng.normal();
    y[i] = a ^ b;
  });
  d.classes = ['same', 'different'];
  return d;
}

export function moons(args: Args): Data {
  const rng = new Random(n(args, 'seed'));
  const noise = n(args, 'noise');
  const d = points(n(args, 'samples'), 2, 1, (i, x, y) => {
    const lower = i % 2;
    const t = rng.uniform(0, Math.PI);
    x[2 * i] = (lower ? 1 - Math.cos(t) : Math.cos(t)) + noise * rng.normal();
    x[2 * i + 1] = (lower ? 0.5 - Math.sin(t) : Math.sin(t)) + noise * rng.normal();
    y[i] = lower;
  });
  d.classes = ['upper', 'lower'];
  return d;
}

export function blobs(args: Args): Data {
  const rng = new Random(n(args, 'seed'));
  const k = n(args, 'centers');
  const dims = n(args, 'dims');
  const spread = n(args, 'spread');
  const centers = Array.from({ length: k }, () => Array.from({ length: dims }, () => rng.uniform(-5, 5)));
  const d = points(n(args, 'samples'), dims, k, (i, x, y) => {
    const c = i % k;
    for (let j = 0; j < dims; j++) x[i * dims + j] = centers[c][j] + spread * rng.normal();
    y[i * k + c] = 1;
  });
  d.classes = centers.map((_, c) => `blob ${c}`);
  return d;
}

export function ring2d(args: Args): Data {
  const rng = new Random(n(args, 'seed'));
  const r = n(args, 'radius');
  const noise = n(args, 'noise');
  return points(n(args, 'samples'), 2, 0, (i, x) => {
    const a = rng.uniform(0, 2 * Math.PI);
    x[2 * i] = r * Math.cos(a) + noise * rng.normal();
    x[2 * i + 1] = r * Math.sin(a) + noise * rng.normal();
  });
}

type Box = [number, number, number, number]; // y1, x1, y2, x2 in pixels

/** Draws a filled square (0), circle (1) or triangle (2) inside the box. */
function draw(img: Float32Array, offset: number, size: number, kind: number, [y1, x1, y2, x2]: Box): void {
  const cy = (y1 + y2) / 2;
  const cx = (x1 + x2) / 2;
  const h = (y2 - y1) / 2;
  for (let y = Math.floor(y1); y < Math.ceil(y2); y++) {
    for (let x = Math.floor(x1); x < Math.ceil(x2); x++) {
      if (y < 0 || x < 0 || y >= size || x >= size) continue;
      const dy = (y + 0.5 - cy) / h;
      const dx = (x + 0.5 - cx) / h;
      const inside = kind === 0 ? true : kind === 1 ? dx * dx + dy * dy <= 1 : dy >= -1 && Math.abs(dx) <= (dy + 1) / 2;
      if (inside) img[offset + y * size + x] = 1;
    }
  }
}

export const SHAPE_CLASSES = ['square', 'circle', 'triangle'];

export function shapes(args: Args): Data {
  const rng = new Random(n(args, 'seed'));
  const size = n(args, 'size');
  const count = n(args, 'samples');
  const regions = n(args, 'regions');
  const noise = n(args, 'noise');
  const images = new Float32Array(count * size * size);
  const randomBox = (min: number, max: number): Box => {
    const s = rng.uniform(min, max);
    const y = rng.uniform(0, size - s);
    const x = rng.uniform(0, size - s);
    return [y, x, y + s, x + s];
  };
  const addNoise = (i: number) => {
    for (let p = 0; p < size * size; p++) images[i * size * size + p] = Math.min(1, Math.max(0, images[i * size * size + p] + noise * rng.normal()));
  };
  if (regions === 0) {
    const labels = new Float32Array(count * 3);
    for (let i = 0; i < count; i++) {
      const kind = i % 3;
      draw(images, i * size * size, size, kind, randomBox(size * 0.35, size * 0.8));
      addNoise(i);
      labels[i * 3 + kind] = 1;
    }
    return { size: count, features: [{ data: images, shape: [size, size, 1] }], labels: { data: labels, shape: [3] }, classes: SHAPE_CLASSES };
  }
  // Two objects per image in separate halves; proposals are the objects' boxes (jittered) and background boxes.
  const boxes = new Float32Array(count * regions * 4);
  const labels = new Float32Array(count * regions * 4);
  for (let i = 0; i < count; i++) {
    const objects: { box: Box; kind: number }[] = [];
    for (let o = 0; o < 2; o++) {
      const s = rng.uniform(size * 0.25, size * 0.42);
      const y = rng.uniform(0, size - s);
      const x = o === 0 ? rng.uniform(0, size / 2 - s) : rng.uniform(size / 2, size - s);
      const kind = rng.int(3);
      const box: Box = [y, Math.max(0, x), y + s, Math.max(0, x) + s];
      draw(images, i * size * size, size, kind, box);
      objects.push({ box, kind });
    }
    addNoise(i);
    // Proposals: each object's box (jittered), then background boxes clear of both, in a shuffled order.
    const overlaps = (b: Box) => objects.some((o) => b[0] < o.box[2] && b[2] > o.box[0] && b[1] < o.box[3] && b[3] > o.box[1]);
    const proposals: { box: Box; label: number }[] = objects.slice(0, regions).map((o) => {
      const j = () => rng.uniform(-1.5, 1.5);
      return { box: [o.box[0] + j(), o.box[1] + j(), o.box[2] + j(), o.box[3] + j()] as Box, label: o.kind + 1 };
    });
    while (proposals.length < regions) {
      let box = randomBox(size * 0.15, size * 0.3);
      for (let tries = 0; tries < 20 && overlaps(box); tries++) box = randomBox(size * 0.15, size * 0.3);
      proposals.push({ box, label: 0 });
    }
    const order = rng.permutation(regions);
    for (let r = 0; r < regions; r++) {
      const { box, label } = proposals[order[r]];
      const at = (i * regions + r) * 4;
      for (let k = 0; k < 4; k++) boxes[at + k] = Math.min(1, Math.max(0, box[k] / size));
      labels[at + label] = 1;
    }
  }
  return {
    size: count,
    features: [{ name: 'image', data: images, shape: [size, size, 1] }, { name: 'boxes', data: boxes, shape: [regions, 4] }],
    labels: { data: labels, shape: [regions, 4] },
    classes: ['background', ...SHAPE_CLASSES],
  };
}

export function sine(args: Args): Data {
  const rng = new Random(n(args, 'seed'));
  const len = n(args, 'length');
  const noise = n(args, 'noise');
  const count = n(args, 'samples');
  const x = new Float32Array(count * len);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const freq = rng.uniform(0.1, 0.5);
    const phase = rng.uniform(0, 2 * Math.PI);
    for (let t = 0; t < len; t++) x[i * len + t] = Math.sin(freq * t + phase) + noise * rng.normal();
    y[i] = Math.sin(freq * len + phase);
  }
  return { size: count, features: [{ data: x, shape: [len, 1] }], labels: { data: y, shape: [1] } };
}

export function adding(args: Args): Data {
  const rng = new Random(n(args, 'seed'));
  const len = n(args, 'length');
  const count = n(args, 'samples');
  const x = new Float32Array(count * len * 2);
  const y = new Float32Array(count);
  for (let i = 0; i < count; i++) {
    const a = rng.int(Math.floor(len / 2));
    const b = Math.floor(len / 2) + rng.int(len - Math.floor(len / 2));
    for (let t = 0; t < len; t++) {
      const v = rng.next();
      x[(i * len + t) * 2] = v;
      if (t === a || t === b) {
        x[(i * len + t) * 2 + 1] = 1;
        y[i] += v;
      }
    }
  }
  return { size: count, features: [{ data: x, shape: [len, 2] }], labels: { data: y, shape: [1] } };
}
