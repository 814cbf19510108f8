/**
 * 2-D views of a layer's activations: the values themselves when 2-wide, otherwise
 * PCA. PCA works on the n×n Gram matrix (n points), so wide layers such as feature
 * maps cost n²·width, not width²; wider than 64 values, a fixed random projection
 * to 64 dimensions comes first (it roughly keeps distances, so the picture is alike).
 */
import { Random } from '../data/random';

const MAX_WIDTH = 64;

function randomProjection(rows: Float32Array[], width: number): Float32Array[] {
  const rng = new Random(12345 + width);
  const k = MAX_WIDTH;
  const r = new Float32Array(width * k);
  for (let i = 0; i < r.length; i++) r[i] = rng.normal() / Math.sqrt(k);
  return rows.map((row) => {
    const out = new Float32Array(k);
    for (let i = 0; i < width; i++) {
      const v = row[i];
      if (v === 0) continue;
      const base = i * k;
      for (let j = 0; j < k; j++) out[j] += v * r[base + j];
    }
    return out;
  });
}

/** The top eigenvector of a symmetric matrix (power iteration), deflating by earlier ones. */
function topEigen(g: Float64Array, n: number, previous: Float64Array[]): { vector: Float64Array; value: number } {
  let v = new Float64Array(n).map((_, i) => Math.sin(i + 1));
  let value = 0;
  for (let iter = 0; iter < 100; iter++) {
    const next = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      let s = 0;
      for (let j = 0; j < n; j++) s += g[i * n + j] * v[j];
      next[i] = s;
    }
    for (const p of previous) {
      let dot = 0;
      for (let i = 0; i < n; i++) dot += next[i] * p[i];
      for (let i = 0; i < n; i++) next[i] -= dot * p[i];
    }
    const norm = Math.hypot(...next);
    if (norm < 1e-12) break;
    const nv = next.map((x) => x / norm);
    let delta = 0;
    for (let i = 0; i < n; i++) delta += Math.abs(nv[i] - v[i]);
    v = nv;
    value = norm;
    if (delta < 1e-7) break;
  }
  return { vector: v, value };
}

export function project2d(rows: Float32Array[], width: number): { points: [number, number][]; method: 'identity' | 'pca'; explained?: [number, number] } {
  if (width === 2) return { points: rows.map((r) => [r[0], r[1]]), method: 'identity' };
  if (width === 1) return { points: rows.map((r) => [r[0], 0]), method: 'identity' };
  const data = width > MAX_WIDTH ? randomProjection(rows, width) : rows;
  const d = width > MAX_WIDTH ? MAX_WIDTH : width;
  const n = data.length;
  const mean = new Float64Array(d);
  for (const r of data) for (let j = 0; j < d; j++) mean[j] += r[j] / n;
  const centred = data.map((r) => Float64Array.from({ length: d }, (_, j) => r[j] - mean[j]));
  const g = new Float64Array(n * n);
  let trace = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      let s = 0;
      const a = centred[i];
      const b = centred[j];
      for (let k = 0; k < d; k++) s += a[k] * b[k];
      g[i * n + j] = s;
      g[j * n + i] = s;
    }
    trace += g[i * n + i];
  }
  const first = topEigen(g, n, []);
  const second = topEigen(g, n, [first.vector]);
  const scale = (e: { vector: Float64Array; value: number }, i: number) => e.vector[i] * Math.sqrt(Math.max(e.value, 0));
  const points = Array.from({ length: n }, (_, i) => [scale(first, i), scale(second, i)] as [number, number]);
  return { points, method: 'pca', explained: trace > 0 ? [first.value / trace, second.value / trace] : [0, 0] };
}
