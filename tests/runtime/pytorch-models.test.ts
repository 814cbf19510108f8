/**
 * Every model of every sample and fixture, exported to PyTorch: with dlnet's weights
 * loaded it has tfjs's parameter count and computes tfjs's outputs on the same inputs;
 * with changed weights written back in dlnet's format, tfjs computes PyTorch's outputs.
 * The fixtures use every layer of the catalogue, so every layer's PyTorch twin is checked.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyze, contains, modelSummary, unbuildable, type ModelGraph } from '../../dsl';
import { selectBackend } from '../../runtime/backend';
import { compileModel } from '../../runtime/compile/compile';
import { Random } from '../../runtime/data/random';
import { npy } from '../../runtime/export/npy';
import { exportPytorch } from '../../runtime/export/pytorch';
import { fileHost } from '../../runtime/files';
import { tf } from '../../runtime/tf';
import { loadModel, saveModel } from '../../runtime/train/save';
import { runsForSomeSizesOnly } from '../support/conditional';
import { dlnetFiles } from '../support/files';
import { python, requirePython } from './pytorch/python';

const root = join(__dirname, '..', '..');
const files = [...dlnetFiles(join(root, 'samples')), ...dlnetFiles(join(root, 'tests', 'fixtures'))];
const BATCH = 3;
/** Symbolic and unknown sizes (a sequence's T) get this many steps, or the least the model runs with where that is more (windows that take from T). */
const FREE_SIZE = 9;

interface Case {
  label: string;
  graph: ModelGraph;
  dir: string;
  className: string;
  inputs: { data: Float32Array; shape: number[]; dtype: 'float32' | 'int32' }[];
}

/** Inputs in [0, 1) (boxes too: roiAlign clamps), integers in [0, 4) for int inputs. */
function inputsFor(g: ModelGraph, rng: Random): Case['inputs'] {
  const least = modelSummary(g).leastSizes ?? {};
  return g.inputs.map((i) => {
    const shape = [BATCH, ...i.shape.map((d) => (typeof d === 'number' ? d : Math.max(FREE_SIZE, (d !== null && least[d]) || 0)))];
    const data = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (i.dtype === 'int32' ? rng.int(4) : rng.next()));
    return { data, shape, dtype: i.dtype };
  });
}

const toTensors = (c: Case) => c.inputs.map((x) => tf.tensor(x.dtype === 'int32' ? Int32Array.from(x.data) : x.data, x.shape, x.dtype));

function readNpy(path: string): Float32Array {
  const buf = readFileSync(path);
  const headerLength = buf.readUInt16LE(8);
  const body = buf.subarray(10 + headerLength);
  return new Float32Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
}

/** Largest difference relative to the size of the values. */
function relativeError(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return diff / scale;
}

async function predict(dir: string, c: Case, counted?: (params: number) => void): Promise<Float32Array[]> {
  const model = await loadModel(dir);
  counted?.(model.countParams());
  const xs = toTensors(c);
  const out = model.predict(xs.length === 1 ? xs[0] : xs) as tf.Tensor | tf.Tensor[];
  const outs = Array.isArray(out) ? out : [out];
  const values = outs.map((t) => t.dataSync() as Float32Array);
  tf.dispose([...xs, ...outs]);
  model.dispose();
  return values;
}

describe.skipIf(!python && !requirePython)('PyTorch export: same parameters, same outputs, weights both ways', () => {
  const cases: Case[] = [];
  let results: { params?: number; outputs?: number; error?: string }[] = [];

  beforeAll(async () => {
    expect(python, 'python3 with torch (Debian: apt-get install python3-torch)').toBeDefined();
    await selectBackend('cpu');
    const work = mkdtempSync(join(tmpdir(), 'dlnet-pytorch-'));
    const rng = new Random(7);
    for (const file of files) {
      const analysis = analyze(readFileSync(file, 'utf8'), { host: fileHost(file) });
      // Left out: models that cannot be built, those whose embedding is fed computed numbers (random inputs make negative indices: the lint's point),
      // and those that run only for some sizes, which the ones made up here need not be.
      const runnable = (m: ModelGraph) => m.ok && m.layers.length > 0 && !unbuildable(m) && !runsForSomeSizesOnly(analysis, m)
        && !analysis.diagnostics.some((d) => d.code === 'embedding-input' && contains(m.range, d.range.start));
      for (const graph of analysis.models.filter(runnable)) {
        const dir = join(work, `${cases.length}`);
        mkdirSync(dir);
        const saveTfjs = async (g: ModelGraph, d: string) => {
          const model = compileModel(g, 3);
          await saveModel(model, d);
          model.dispose();
        };
        await exportPytorch({ analysis, file, model: graph, out: dir, saveTfjs });
        const className = /^class (\w+)\(/m.exec(readFileSync(join(dir, 'model.py'), 'utf8'))![1];
        const c: Case = { label: `${relative(root, file)} ${graph.name}`, graph, dir, className, inputs: inputsFor(graph, rng) };
        c.inputs.forEach((x, i) => writeFileSync(join(dir, `input${i}.npy`), npy(x.data, x.shape)));
        cases.push(c);
      }
    }
    const manifest = join(work, 'manifest.json');
    const resultsFile = join(work, 'results.json');
    writeFileSync(manifest, JSON.stringify({
      results: resultsFile,
      cases: cases.map((c) => ({ dir: c.dir, class: c.className, weights: join(c.dir, 'tfjs', c.graph.name), inputs: c.inputs.map((_, i) => join(c.dir, `input${i}.npy`)) })),
    }));
    const run = spawnSync(python!, [join(__dirname, 'pytorch', 'check_models.py'), manifest], { encoding: 'utf8' });
    if (run.status !== 0) throw new Error(`check_models.py failed:\n${run.stderr}`);
    results = JSON.parse(readFileSync(resultsFile, 'utf8'));
  }, 600_000);

  it('exports every model of the samples and fixtures', () => {
    expect(cases.length).toBeGreaterThan(40);
    const kinds = new Set(cases.flatMap((c) => c.graph.layers.map((l) => l.kind)));
    expect(kinds.size).toBeGreaterThan(50);
  });

  it('loads dlnet weights and computes what tfjs computes', async () => {
    const problems: string[] = [];
    for (const [i, c] of cases.entries()) {
      const r = results[i];
      if (r.error) {
        problems.push(`${c.label}: ${r.error}`);
        continue;
      }
      const expected = await predict(join(c.dir, 'tfjs', c.graph.name), c, (params) => {
        if (r.params !== params) problems.push(`${c.label}: ${r.params} parameters in PyTorch, ${params} in tfjs`);
      });
      expected.forEach((e, j) => {
        const err = relativeError(readNpy(join(c.dir, `torch_out${j}.npy`)), e);
        if (!(err < 1e-4)) problems.push(`${c.label}: output ${j} differs from tfjs by ${err.toExponential(2)} (relative)`);
      });
    }
    expect(problems).toEqual([]);
  });

  it('writes PyTorch weights back in the format dlnet loads', async () => {
    const problems: string[] = [];
    for (const [i, c] of cases.entries()) {
      if (results[i].error) continue;
      const back = await predict(join(c.dir, 'back'), c);
      back.forEach((e, j) => {
        const err = relativeError(readNpy(join(c.dir, `torch_back${j}.npy`)), e);
        if (!(err < 1e-4)) problems.push(`${c.label}: after the round trip output ${j} differs by ${err.toExponential(2)}`);
      });
    }
    expect(problems).toEqual([]);
  });
});
