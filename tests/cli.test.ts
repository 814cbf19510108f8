/** The command line through the built bin: exit codes, the JSON contracts, the human format. */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { csvRow, dlnetPredictCommand, predictionsOf } from '../client/training/process';
import type { Diagnostic } from '../dsl';
import { selectBackend } from '../runtime/backend';
import { mnistDigits } from '../runtime/data/mnist';
import { tf } from '../runtime/tf';
import { loadModel } from '../runtime/train/save';

const bin = join(__dirname, '..', 'bin', 'dlnet.js');
const dir = mkdtempSync(join(tmpdir(), 'dlnet-cli-'));
const run = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: 'utf8', cwd: dir, env: { ...process.env, NO_COLOR: '1' } });
const write = (name: string, text: string) => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const good = write('good.dlnet', `dataset rings = rings(samples: 200)
model RingNet {
  input point: [2]
  dense(8, activation: tanh)
  features = dense(2, activation: tanh)
  dense(1, activation: sigmoid)
}
train RingNet on rings { loss: binaryCrossentropy }
`);
const bad = write('bad.dlnet', `model M {
  input x: [784]
  conv2d(8, kernel: 3)
}
`);
/** A train statement stopped by errors in its model, a block the model uses and itself; model Other's error is not its. */
const manyErrors = `dataset d = rings()
block Squash() {
  reshape([3, 3])
}
model M {
  input x: [2]
  Squash
  dense(2, activaton: relu)
}
model Other {
  input x: [4]
  dense(0)
}
train M on d { loss: binaryCrossentropy; epocs: 3 }
`;

describe('dlnet check', () => {
  it('exits 0 on a clean file and prints JSON in the documented shape', () => {
    const r = run('check', '--json', good);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual({ files: [{ file: good, diagnostics: [] }], errors: 0, warnings: 0 });
  });

  it('exits 1 with errors; each diagnostic has range, severity, code, message', () => {
    const r = run('check', '--json', good, bad);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.errors).toBe(1);
    const d = out.files[1].diagnostics.find((x: { code: string }) => x.code === 'rank-mismatch');
    expect(d).toMatchObject({
      range: { start: { line: 2, character: 2 }, end: { line: 2, character: 22 } },
      severity: 'error', code: 'rank-mismatch',
      message: 'conv2d expects a rank-3 input [height, width, channels], got [784] (from input `x` on line 2)',
    });
    expect(d.fixes[0].edits[0]).toEqual({ range: { start: { line: 2, character: 2 }, end: { line: 2, character: 2 } }, newText: 'reshape([28, 28, 1]) -> ' });
  });

  it('prints compiler-style messages with the line and a caret', () => {
    const r = run('check', 'bad.dlnet');
    expect(r.status).toBe(1);
    expect(r.stderr).toMatchSnapshot();
  });

  it('exits 2 on bad usage', () => {
    expect(run('check').status).toBe(2);
    const missing = run('check', join(dir, 'missing.dlnet'));
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('no such file');
    expect(missing.stderr).not.toContain('usage:'); // a file that is not there is no misuse of the command line
    expect(run('summary', dir).stderr).toContain('it is a folder');
    expect(run('check').stderr).toContain('usage:');
    expect(run('check', '--frobnicate', good).status).toBe(2);
    expect(run('launch').status).toBe(2);
  });

  it('answers --help after a command with the usage, exit 0', () => {
    for (const command of ['check', 'train', 'export']) {
      const r = run(command, '--help');
      expect(r.status).toBe(0);
      expect(r.stdout).toContain('usage: dlnet <command>');
      expect(r.stderr).toBe('');
    }
  });
});

describe('dlnet check --fix', () => {
  it('writes the safe fixes into the file, says how many, and reports what is left', () => {
    const file = write('keras.dlnet', "model M {\n  input x: (8)\n  Dense(4, activation='relu', input_dim: 8)\n}\n");
    const r = run('check', '--fix', '--json', file);
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.files[0].fixed).toBe(4); // (8), =, 'relu', Dense
    expect(out.files[0].diagnostics.map((d: { code: string }) => d.code)).toEqual(['unused', 'unknown-parameter']);
    expect(readFileSync(file, 'utf8')).toBe('model M {\n  input x: [8]\n  dense(4, activation: relu, input_dim: 8)\n}\n');
    const again = run('check', '--fix', file);
    expect(again.stderr).not.toContain('applied');
    expect(again.stderr).toContain('1 file checked: 1 error, 0 warnings');
    // Without --fix the JSON is as it was: no `fixed` field.
    expect(JSON.parse(run('check', '--json', file).stdout).files[0]).not.toHaveProperty('fixed');
  });
});

describe('dlnet check on a folder', () => {
  it('checks every .dlnet file under it in name order, leaving out dot folders and node_modules', () => {
    const project = mkdtempSync(join(tmpdir(), 'dlnet-folder-'));
    for (const sub of ['models/deep', '.cache', 'node_modules/pkg']) mkdirSync(join(project, sub), { recursive: true });
    const text = readFileSync(good, 'utf8');
    for (const file of ['models/b.dlnet', 'models/a.dlnet', 'models/deep/c.dlnet', 'models/notes.txt', '.cache/x.dlnet', 'node_modules/pkg/y.dlnet']) writeFileSync(join(project, file), text);
    writeFileSync(join(project, 'models/deep/broken.dlnet'), readFileSync(bad, 'utf8'));
    const r = spawnSync(process.execPath, [bin, 'check', '--json', 'models'], { encoding: 'utf8', cwd: project });
    expect(r.status).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.files.map((f: { file: string }) => f.file)).toEqual(['models/a.dlnet', 'models/b.dlnet', 'models/deep/broken.dlnet', 'models/deep/c.dlnet'].map((f) => join(...f.split('/'))));
    expect(out.errors).toBe(1);
    const human = spawnSync(process.execPath, [bin, 'check', '.'], { encoding: 'utf8', cwd: project, env: { ...process.env, NO_COLOR: '1' } });
    expect(human.stderr).toContain('4 files checked: 1 error, 0 warnings');
  });

  it('exits 2 on a folder with no .dlnet file', () => {
    const empty = mkdtempSync(join(tmpdir(), 'dlnet-empty-'));
    const r = run('check', empty);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`no .dlnet files in the folder ${empty}`);
  });
});

describe('dlnet summary', () => {
  it('prints per-model inputs, outputs and layers in the documented JSON shape', () => {
    const out = JSON.parse(execFileSync(process.execPath, [bin, 'summary', '--json', good], { encoding: 'utf8' }));
    expect(out).toEqual({
      models: [{
        name: 'RingNet',
        inputs: [{ name: 'point', shape: [2], dtype: 'float32' }],
        outputs: [[1]],
        totalParams: 45,
        layers: [
          { name: 'dense_1', kind: 'dense', line: 3, outputShape: [8], params: 24 },
          { name: 'features', kind: 'dense', line: 4, outputShape: [2], params: 18 },
          { name: 'dense_2', kind: 'dense', line: 5, outputShape: [1], params: 3 },
        ],
      }],
    });
  });

  it('renders a table for people', () => {
    expect(execFileSync(process.execPath, [bin, 'summary', good], { encoding: 'utf8' })).toMatchSnapshot();
  });

  it('says when a file has no models, rather than printing nothing', () => {
    const f = write('data-only.dlnet', 'dataset d = xor()\n');
    expect(run('summary', f)).toMatchObject({ status: 0, stdout: `${f}: no models\n` });
    expect(JSON.parse(run('summary', '--json', f).stdout)).toEqual({ models: [] });
  });

  it('says which model cannot be compiled and why, with --compiled, and export refuses it the same way', () => {
    const f = write('open.dlnet', 'model M {\n  input x: [?]\n  dense(1)\n}\n');
    const human = run('summary', '--compiled', f);
    expect(human.status).toBe(1);
    expect(human.stderr).toContain(`${f}: model M cannot be built: dense (line 3) needs sizes of its input that the model leaves unknown; give them`);
    expect(JSON.parse(run('summary', '--compiled', '--json', f).stdout).models[0].compileError).toMatch(/^model M cannot be built/);
    const exported = run('export', f, '--out', join(dir, 'open-export'));
    expect(exported.status).toBe(1);
    expect(exported.stderr).toContain(`${f}:3:3: error: model M cannot be built`);
  });

  it('keeps symbolic sizes as names and unknown sizes as null', () => {
    const f = write('seq.dlnet', 'model S {\n  input s: [T, ?]\n  dense(4)\n}\n');
    const out = JSON.parse(run('summary', '--json', f).stdout);
    expect(out.models[0].layers[0]).toMatchObject({ outputShape: ['T', 4], params: null });
  });

  it('says from which length on a model over a symbolic length runs, and writes what its layers make of it', () => {
    const f = write('windows.dlnet', 'model W {\n  input s: [T, 1]\n  conv1d(4, kernel: 3)\n  conv1d(4, kernel: 3, dilation: 2)\n  globalAvgPool1d\n}\n');
    const out = JSON.parse(run('summary', '--json', f).stdout);
    expect(out.models[0].leastSizes).toEqual({ T: 7 });
    expect(out.models[0].layers.map((l: { outputShape: unknown[] }) => l.outputShape)).toEqual([['T-2', 4], ['T-6', 4], [4]]);
    expect(run('summary', f).stdout).toMatch(/^model W: 68 parameters; runs with T ≥ 7$/m);
    // Every length runs: nothing to say.
    expect(JSON.parse(run('summary', '--json', good).stdout).models[0].leastSizes).toBeUndefined();
  });

  it('marks a model with errors as partial: its layers stop where its check did', () => {
    const f = write('broken.dlnet', 'model B {\n  input x: [8, 8, 3]\n  conv2d(4, kernel: 3)\n  residual { conv2d(4, kernel: 3) }\n  flatten\n}\n');
    const json = run('summary', '--json', f);
    expect(json.status).toBe(1);
    const [m] = JSON.parse(json.stdout).models;
    expect(m).toMatchObject({ partial: true, totalParams: 260 });
    expect(m.layers.map((l: { kind: string }) => l.kind)).toEqual(['conv2d', 'conv2d']);
    expect(run('summary', f).stdout).toMatch(/^model B: 260 parameters in the layers that check \(the model has errors\)$/m);
    expect(JSON.parse(run('summary', '--json', good).stdout).models[0].partial).toBeUndefined();
  });

  it('says the least value of each of several symbolic sizes', () => {
    const f = write('image.dlnet', 'model C {\n  input img: [H, W, 1]\n  conv2d(4, kernel: [3, 5])\n  maxPool2d(2)\n  globalMaxPool2d\n}\n');
    expect(JSON.parse(run('summary', '--json', f).stdout).models[0].leastSizes).toEqual({ H: 4, W: 6 });
    expect(run('summary', f).stdout).toMatch(/^model C: 64 parameters; runs with H ≥ 4 and W ≥ 6$/m);
  });
});

describe('dlnet backends', () => {
  it('lists every backend with why it is or is not there, the GPU adapters, and what auto picks', () => {
    const r = spawnSync(process.execPath, [bin, 'backends', '--json'], { encoding: 'utf8', cwd: dir, env: { ...process.env, DLNET_MODULE_PATHS: '' } });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { backends: { name: string; available: boolean; detail: string }[]; gpuAdapters: { name: string; api: string; software: boolean }[]; auto: { backend: string; reason: string } };
    expect(report.backends.map((b) => b.name)).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
    expect(report.backends.find((b) => b.name === 'tensorflow')).toMatchObject({ available: false, detail: expect.stringMatching(/tfjs-node: not installed/) });
    expect(report.backends.find((b) => b.name === 'wasm')).toMatchObject({ available: true, detail: expect.stringMatching(/WebAssembly/) });
    const webgpu = report.backends.find((b) => b.name === 'webgpu')!;
    // Every adapter found is listed; the one webgpu starts on is named in its detail.
    if (webgpu.available) expect(report.gpuAdapters.some((a) => webgpu.detail.includes(a.name))).toBe(true);
    else expect(report.gpuAdapters).toEqual([]);
    expect(report.auto.backend).toBe(report.gpuAdapters.some((a) => !a.software) ? 'webgpu' : 'wasm');
    const human = run('backends');
    expect(human.stdout).toMatch(/^tensorflow +no +/m);
    expect(human.stdout).toMatch(/^auto picks: \w+ \(/m);
  });
});

describe('dlnet train', () => {
  it('says where a file that cannot train is wrong, as check does: file, line, column, code', () => {
    write('untrainable.dlnet', 'dataset d = csv("nowhere.csv", label: "y")\nmodel M {\n  input x: [2]\n  dense(1)\n}\ntrain M on d { loss: meanSquaredError }\n');
    const r = run('train', 'untrainable.dlnet');
    expect(r.status).toBe(1);
    // A file under the working folder is named as the user would type it.
    expect(r.stderr.trim()).toBe(`untrainable.dlnet:1:17: error[invalid-argument]: train M cannot run: dataset d: cannot read 'nowhere.csv': no such file in ${dir}`);
    const events = run('train', 'untrainable.dlnet', '--json').stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0]).toMatchObject({ type: 'error', message: `train M cannot run: dataset d: cannot read 'nowhere.csv': no such file in ${dir}`, line: 0, character: 16, code: 'invalid-argument', file: join(dir, 'untrainable.dlnet') });
    expect(events[0].diagnostics.map((d: Diagnostic) => d.message)).toEqual([`dataset d: cannot read 'nowhere.csv': no such file in ${dir}`]);
  });

  it('lists every error that stops the run, in file order, blocks included, other models left out', () => {
    write('broken-run.dlnet', manyErrors);
    const r = run('train', 'broken-run.dlnet');
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      'broken-run.dlnet:3:3: error[invalid-shape]: train M cannot run: reshape to [3, 3] needs 9 elements, but the input [2] has 2 (from input `x` on line 6)',
      "broken-run.dlnet:8:12: error[unknown-parameter]: dense has no parameter 'activaton'; did you mean 'activation'?",
      "broken-run.dlnet:14:42: error[invalid-setting]: unknown train setting 'epocs'; did you mean 'epochs'?",
    ]);
    const [error] = run('train', 'broken-run.dlnet', '--json').stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(error).toMatchObject({ type: 'error', line: 2, character: 2, code: 'invalid-shape' });
    // As `dlnet check --json` gives them: ranges, codes, fixes.
    const checked = JSON.parse(run('check', 'broken-run.dlnet', '--json').stdout).files[0].diagnostics as Diagnostic[];
    expect(error.diagnostics).toEqual(checked.filter((d) => d.severity === 'error' && d.range.start.line !== 11));
  });
});

describe('dlnet export', () => {
  it('writes a PyTorch project for the first trained model', () => {
    const out = join(dir, 'torch-project');
    const r = run('export', good, '--to', 'pytorch', '--out', out);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/wrote RingNet \(45 parameters\) as a PyTorch project/);
    expect(readFileSync(join(out, 'model.py'), 'utf8')).toMatch(/class RingNet\(nn\.Module\)/);
    expect(readFileSync(join(out, 'train.py'), 'utf8')).toMatch(/loss=dl\.binary_crossentropy/);
    expect(readdirSync(join(out, 'data')).sort()).toEqual(['rings.train.json', 'rings.train.x0.npy', 'rings.train.y.npy']);
  });

  it('names the dataset line when the data cannot be read, and refuses unknown targets', () => {
    const missing = write('missing.dlnet', `dataset d = csv("nowhere.csv", label: "y")
model M {
  input x: [2]
  dense(1)
}
train M on d { loss: meanSquaredError }
`);
    const r = run('export', missing, '--to', 'pytorch', '--out', join(dir, 'never'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${missing}:1:17: error[invalid-argument]: train M cannot run: dataset d: cannot read 'nowhere.csv': no such file in ${dir}`);
    // A model with errors is refused with all of them, a line each.
    const broken = write('broken-export.dlnet', manyErrors);
    const refused = run('export', broken, '--out', join(dir, 'never'));
    expect(refused.status).toBe(1);
    expect(refused.stderr.trim().split('\n')).toEqual([
      `${broken}:3:3: error[invalid-shape]: model M has errors: reshape to [3, 3] needs 9 elements, but the input [2] has 2 (from input \`x\` on line 6)`,
      `${broken}:8:12: error[unknown-parameter]: dense has no parameter 'activaton'; did you mean 'activation'?`,
    ]);
    const usage = run('export', good, '--to', 'onnx', '--out', join(dir, 'x'));
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/--to onnx: choose one of tfjs, pytorch/);
  });
});

describe('dlnet predict', () => {
  /** Trains a file's first train statement into `out`, which it leaves empty: the run's folder. */
  const trainedRun = (file: string, out: string, ...options: string[]): string => {
    const trained = run('train', file, '--out', out, ...options);
    expect(trained.status, trained.stderr).toBe(0);
    return join(out, readdirSync(out)[0]);
  };

  it("answers for new texts as a run's texts were read, its classes named; refuses what is no text run", async () => {
    // 600 of the sample's reviews, 6 epochs on the wasm backend: enough for the plain cases asked below.
    const [header, ...rows] = readFileSync(join(__dirname, '..', 'samples', 'data', 'reviews.csv'), 'utf8').trim().split('\n');
    writeFileSync(join(dir, 'reviews.csv'), [header, ...rows.slice(0, 600)].join('\n'));
    const file = write('reviews.dlnet', `dataset reviews = csv("reviews.csv", label: "sentiment", text: "review", length: 24)
model Reader {
  input words: [24] int32
  embedding(100, 16)
  lstm(16)
  dense(2, activation: softmax)
}
train Reader on reviews { loss: categoricalCrossentropy; optimizer: adam(learningRate: 0.02); epochs: 6 }
`);
    const folder = trainedRun(file, join(dir, 'text-runs'), '--backend', 'wasm');
    const asked = run('predict', folder, '--json', 'The acting was awful', 'The plot was not dull');
    expect(asked.status, asked.stderr).toBe(0);
    const { model, predictions } = JSON.parse(asked.stdout);
    expect(model).toBe('Reader');
    expect(predictions.map((p: { text: string }) => p.text)).toEqual(['The acting was awful', 'The plot was not dull']);
    expect(predictions.map((p: { classes: { name: string }[] }) => p.classes[0].name)).toEqual(['negative', 'positive']);
    for (const p of predictions) expect(p.output[0] + p.output[1]).toBeCloseTo(1, 5);
    // A line a text: the most likely class and its probability, then the text.
    const said = run('predict', folder, 'I found the score superb');
    expect(said.stdout).toMatch(/^positive 0\.\d{3} {2}"I found the score superb"\n$/);
    // Not a run folder; a run of a model that reads no texts; no texts.
    expect(run('predict', dir, 'x').stderr).toContain(`${dir} is not a run folder: it has no run.json`);
    const ringRun = trainedRun(good, join(dir, 'ring-runs'), '--backend', 'cpu', '--epochs', '1');
    const refused = run('predict', ringRun, 'x');
    expect(refused.status).toBe(2);
    expect(refused.stderr).toContain('model RingNet was not trained on texts');
    expect(run('predict', folder).stderr).toContain('give the texts to predict for');
    // The editor's panel asks through the same command, in a process of its own.
    const cli = join(__dirname, '..', 'dist', 'cli.js');
    const answer = await predictionsOf(dlnetPredictCommand({ cli, run: folder, texts: ['The acting was awful'] }));
    expect('predictions' in answer && answer.predictions[0].classes![0].name).toBe('negative');
    expect(await predictionsOf(dlnetPredictCommand({ cli, run: dir, texts: ['x'] }))).toEqual({ error: `${dir} is not a run folder: it has no run.json (dlnet train writes runs/<Model>-<time>/)` });
    // A rings run read no table: --table cannot be read as its data was.
    expect(run('predict', ringRun, '--table', join(dir, 'reviews.csv')).stderr).toContain('model RingNet was not trained on a csv source');
  }, 120_000);

  it("reads a table's rows as the run's table was read: its columns, its texts one-hot, the label left out", async () => {
    // Passed when hours are many, whatever the course; a course the table trained on never had is all zeros.
    const rows = Array.from({ length: 200 }, (_, i) => `${i % 10},${['maths', 'art'][i % 2]},${i % 10 >= 5 ? 'yes' : 'no'}`);
    writeFileSync(join(dir, 'grades.csv'), ['hours,course,passed', ...rows].join('\n'));
    const file = write('grades.dlnet', `dataset grades = csv("grades.csv", label: "passed")
model Pass {
  input x: [3]
  dense(8, activation: relu)
  dense(2, activation: softmax)
}
train Pass on grades { loss: categoricalCrossentropy; optimizer: adam(learningRate: 0.05); epochs: 40 }
`);
    const folder = trainedRun(file, join(dir, 'grade-runs'), '--backend', 'cpu');
    expect(JSON.parse(readFileSync(join(folder, 'run.json'), 'utf8')).table).toEqual({ columns: ['hours', 'course'], texts: { course: ['art', 'maths'] } });
    // Without the label column, columns in another order, a course never seen.
    writeFileSync(join(dir, 'new-grades.csv'), 'course,hours\nart,9\nmaths,0\nmusic,8\n');
    const asked = run('predict', folder, '--table', join(dir, 'new-grades.csv'));
    expect(asked.status, asked.stderr).toBe(0);
    expect(asked.stdout.trim().split('\n').map((l) => l.replace(/ \d\.\d{3} /, ' '))).toEqual(['yes  row 1', 'no  row 2', 'yes  row 3']);
    // With it (the table trained on): read past.
    const again = JSON.parse(run('predict', folder, '--table', join(dir, 'grades.csv'), '--json').stdout);
    expect(again.predictions).toHaveLength(200);
    expect(again.predictions[9]).toMatchObject({ row: 10, classes: [{ name: 'yes' }, { name: 'no' }] });
    // A table without one of the columns: said with the file and line.
    writeFileSync(join(dir, 'no-hours.csv'), 'course\nart\n');
    expect(run('predict', folder, '--table', join(dir, 'no-hours.csv')).stderr).toContain(`${join(dir, 'no-hours.csv')}:1: has no column 'hours' to read as the table trained on does`);
    // As the extension asks about a row filled in the panel: a CSV of it, its fields quoted.
    writeFileSync(join(dir, 'panel-row.csv'), csvRow({ hours: '9', course: 'art' }));
    const row = await predictionsOf(dlnetPredictCommand({ cli: join(__dirname, '..', 'dist', 'cli.js'), run: folder, table: join(dir, 'panel-row.csv') }));
    expect('predictions' in row && row.predictions.map((p) => p.classes![0].name)).toEqual(['yes']);
    expect(csvRow({ 'a "b"': 'x, y' })).toBe('"a ""b"""\n"x, y"\n');
  }, 120_000);

  it('answers for PNG images as the data gave them: a digit of the data reads back exactly, resized by area to the input; refuses what is no image', async () => {
    const file = write('digits.dlnet', `dataset digits = mnist(samples: 300)
model Digits {
  input image: [28, 28, 1]
  conv2d(4, kernel: 3, activation: relu)
  flatten
  dense(10, activation: softmax)
}
train Digits on digits { loss: categoricalCrossentropy; epochs: 2 }
`);
    const folder = trainedRun(file, join(dir, 'digit-runs'), '--backend', 'cpu');
    // Three digits of the data (a 0, a 1 and a 7), as PNGs of their own size, and the 7 twice as large (each pixel 2x2).
    const digits = mnistDigits();
    const pixelsOf = (c: number) => digits[c].subarray(0, 784);
    const png = (pixels: Uint8Array, side: number) => {
      const image = new PNG({ width: side, height: side });
      for (let i = 0; i < side * side; i++) image.data.set([pixels[i], pixels[i], pixels[i], 255], 4 * i);
      return PNG.sync.write(image);
    };
    const doubled = Uint8Array.from({ length: 56 * 56 }, (_, i) => pixelsOf(7)[Math.floor(Math.floor(i / 56) / 2) * 28 + Math.floor((i % 56) / 2)]);
    const names = ['zero.png', 'one.png', 'seven.png', 'seven-large.png'];
    [png(pixelsOf(0), 28), png(pixelsOf(1), 28), png(pixelsOf(7), 28), png(doubled, 56)].forEach((bytes, i) => writeFileSync(join(dir, names[i]), bytes));
    const asked = run('predict', folder, '--json', '--image', ...names.map((n) => join(dir, n)));
    expect(asked.status, asked.stderr).toBe(0);
    const { predictions } = JSON.parse(asked.stdout) as { predictions: { image: string; output: number[]; classes: { name: string }[] }[] };
    expect(predictions.map((p) => p.image)).toEqual(names.map((n) => join(dir, n)));
    // What the saved model says of the same digits given as the data gives them.
    await selectBackend('cpu');
    const model = await loadModel(folder);
    const direct = (model.predict(tf.tensor([0, 1, 7].map((c) => Array.from(pixelsOf(c), (v) => v / 255)), [3, 28, 28, 1])) as tf.Tensor).arraySync() as number[][];
    model.dispose();
    predictions.slice(0, 3).forEach((p, i) => p.output.forEach((v, k) => expect(v).toBeCloseTo(direct[i][k], 5)));
    predictions[3].output.forEach((v, k) => expect(v).toBeCloseTo(direct[2][k], 5));
    expect(predictions[0].classes.map((c) => c.name).sort()).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    // As the extension asks about a drawing: the same answer.
    const drawn = await predictionsOf(dlnetPredictCommand({ cli: join(__dirname, '..', 'dist', 'cli.js'), run: folder, images: [join(dir, 'seven.png')] }));
    expect('predictions' in drawn && drawn.predictions[0].output).toEqual(predictions[2].output);
    // A model of points takes no image; a file that is no PNG says so.
    const points = trainedRun(good, join(dir, 'point-runs'), '--backend', 'cpu', '--epochs', '1');
    expect(run('predict', points, '--image', join(dir, 'zero.png')).stderr).toMatch(/model \w+ takes \[2\], not an image/);
    writeFileSync(join(dir, 'not.png'), 'hello');
    expect(run('predict', folder, '--image', join(dir, 'not.png')).stderr).toMatch(/not\.png: not a PNG image \(/);
    expect(run('predict', folder, '--image').stderr).toContain('give the images to predict for');
  }, 120_000);
});
