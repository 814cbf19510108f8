/**
 * A whole training run: pick the train statement, choose the backend, load the data,
 * compile, preflight one step (falling back when a kernel is missing), fit, save.
 * Everything is reported through the event sink; failures end as an `error` event
 * naming the statement, and never leave a half-written output folder.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { analyze, byPosition, distinct, findLoss, modelSummary, outputShapes, targetsFeatures, type Analysis, type Choice, type CsvEncoding, type Diagnostic, type TrainPlan } from '../../dsl';
import { releaseGpuMemory, takeGpuError } from '../gpu';
import { adviseBatchSize } from './batch-advice';
import { selectBackend, type BackendChoice, type BackendName } from '../backend';
import { compileModel } from '../compile/compile';
import { split, type Data } from '../data/dataset';
import { DataError, keepingTables, loadData } from '../data';
import { Random } from '../data/random';
import { fileHost } from '../files';
import { tf, tfl } from '../tf';
import { Control } from './control';
import type { Sink } from './events';
import { trainsInLoops } from './dense-stack';
import { cpuOverGpu } from './gpu-or-cpu';
import { fit, TrainingError, type FitResult } from './fit';
import { fitGan } from './gan';
import { loss, metrics, optimizer } from './optim';
import { RunFolder, saveModel } from './save';
import { chooseWorkers, type WorkersRequest } from './parallel/choose';
import { DataParallel } from './parallel/pool';
import { Replica } from './parallel/replica';
import { featureTensors, labelTensor } from './tensors';

export interface RunOptions {
  file: string;
  model?: string;
  epochs?: number;
  backend?: BackendName;
  /** Part of the GPU adapter's name, for the webgpu backend. */
  gpu?: string;
  out?: string;
  sink: Sink;
  control?: Control;
  representation?: boolean;
  /** Stream training data in chunks of this many bytes (default 64 MiB; tests use small ones). */
  chunkBytes?: number;
  /** Replicas sharing every batch, one per core (1: train in this thread only; auto: measure). */
  workers?: WorkersRequest;
  /** On a GPU, time a larger batch before training and advise it when faster (default true). */
  adviseBatchSize?: boolean;
}

export interface RunResult {
  status: 'completed' | 'stopped' | 'early-stopped' | 'failed';
  savedTo?: string;
  logs?: Record<string, number>;
}

/** Errors that belong to a line of the .dlnet file (and, when they come from a diagnostic, to its column and code). */
export class RunError extends Error {
  /** @param diagnostics every error of the file that stops the run, when it cannot start for them; the first is the one `message` names. */
  constructor(message: string, readonly line?: number, readonly character?: number, readonly code?: string, readonly diagnostics?: readonly Diagnostic[]) {
    super(message);
  }
}

/**
 * Every error that stops a plan, each once, in the order of the file: in its train
 * statement, its dataset and its models, and in the blocks they use (a block's error lies
 * outside the model's lines, and breaks every model that uses it).
 */
function planErrors(a: Analysis, plan: TrainPlan): Diagnostic[] {
  const involved = [plan.decl, ...a.file.decls.filter((d) => d.kind !== 'train' && [plan.model, plan.versus, plan.dataset].includes(d.name.text))];
  const inside = a.diagnostics.filter((d) => d.severity === 'error' && involved.some((decl) => d.range.start.line >= decl.range.start.line && d.range.start.line <= decl.range.end.line));
  const models = a.models.filter((g) => g.name === plan.model || g.name === plan.versus);
  return distinct([...inside, ...models.flatMap((g) => g.errors)]).sort(byPosition);
}

function choosePlan(a: Analysis, model?: string): TrainPlan {
  const plans = model ? a.trains.filter((t) => t.model === model || t.versus === model) : a.trains;
  if (plans.length === 0) {
    if (model && a.models.some((m) => m.name === model)) throw new RunError(`model ${model} has no train statement: add \`train ${model} on <dataset> { loss: ... }\``);
    throw new RunError(model ? `no train statement for model ${model} (models with one: ${a.trains.map((t) => t.model).join(', ') || 'none'})` : 'the file has no train statement');
  }
  const plan = plans[0];
  // The statement, its model(s) and its dataset must all be free of errors.
  const errors = planErrors(a, plan);
  if (!plan.ok || errors.length > 0) {
    const first = errors[0] as Diagnostic | undefined;
    // The line travels beside the message (the CLI, the panel and the log each show it once).
    const at = (first ?? plan.decl).range.start;
    throw new RunError(`train ${plan.model} cannot run: ${first ? first.message : 'the model or dataset has errors'}`, at.line, at.character, first?.code, errors.length > 0 ? errors : undefined);
  }
  return plan;
}

/** Kernels a backend lacks show up as "Kernel 'X' not registered for backend 'y'". */
function missingKernel(e: unknown): string | undefined {
  return /Kernel '(\w+)' not registered/.exec((e as Error)?.message ?? '')?.[1];
}

/** One training step on a copy of the model, to find out whether the backend has every kernel the run needs. */
async function preflight(a: Analysis, plan: TrainPlan, data: Data): Promise<string[]> {
  const missing: string[] = [];
  const g = a.models.find((m) => m.name === plan.model)!;
  const model = compileModel(g, 0);
  const still = tf.train.sgd(0);
  try {
    const n = Math.min(4, data.size);
    const idx = Array.from({ length: n }, (_, i) => i);
    if (plan.versus) {
      const d = compileModel(a.models.find((m) => m.name === plan.versus)!, 0);
      d.compile({ optimizer: still, loss: 'binaryCrossentropy' });
      const z = tf.randomNormal([n, ...(g.inputs[0].shape as number[])]);
      const y = tf.ones([n, 1]);
      try {
        await d.trainOnBatch(model.predict(z) as tf.Tensor, y);
      } catch (e) {
        const k = missingKernel(e);
        if (!k) throw e;
        missing.push(k);
      }
      tf.dispose([z, y]);
      d.dispose();
      return missing;
    }
    model.compile({ optimizer: still, loss: loss(plan.settings) as string });
    const xs = featureTensors(g, data, idx);
    const ys = labelTensor(data, idx);
    try {
      await model.trainOnBatch(xs.length === 1 ? xs[0] : xs, ys);
    } catch (e) {
      const k = missingKernel(e);
      if (!k) throw e;
      missing.push(k);
    }
    tf.dispose([...xs, ys]);
    return missing;
  } finally {
    model.dispose();
    still.dispose(); // its learning rate is a tensor
  }
}

/** A dataset of the plan, with load errors pinned to its declaration; `like`: the encoding of the table trained on, for one validated on. */
function loadPlanData(a: Analysis, name: string, file: string, like?: CsvEncoding): Data {
  const info = a.datasets.get(name)!;
  try {
    return loadData(info, file, like);
  } catch (e) {
    if (e instanceof DataError) {
      const at = (info.decl.source ?? info.decl).range.start;
      throw new RunError(`dataset ${name}: ${e.message}`, at.line, at.character);
    }
    throw e;
  }
}

/** The training and validation examples of a plan: its validation dataset, or a seeded split of its data. */
export function trainingParts(a: Analysis, plan: TrainPlan, data: Data, file: string): { train: Data; validation?: Data } {
  const settings = plan.settings;
  if (settings.validation) {
    const validation = loadPlanData(a, settings.validation as string, file, a.datasets.get(plan.dataset)?.shapes?.encoding);
    return { train: data, validation: asTrained(a, plan, validation) };
  }
  return split(data, (settings.validationSplit as number | undefined) ?? 0, new Random(settings.seed as number));
}

/** Reads and checks a .dlnet file and picks its train statement, or throws a RunError that names the line. */
export function readPlan(file: string, model?: string): { text: string; analysis: Analysis; plan: TrainPlan; data: Data } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RunError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  const analysis = analyze(text, { host: keepingTables(fileHost(file), file) });
  return { text, analysis, ...planWithData(analysis, file, model) };
}

/** The train statement of an analysed file and its dataset, or a RunError that names the line. */
export function planWithData(analysis: Analysis, file: string, model?: string): { plan: TrainPlan; data: Data } {
  const plan = choosePlan(analysis, model);
  return { plan, data: asTrained(analysis, plan, loadPlanData(analysis, plan.dataset, file)) };
}

/** Data, trained or validated on, as the plan trains: its class numbers named, its features the target where the plan says so. */
function asTrained(a: Analysis, plan: TrainPlan, data: Data): Data {
  return withTarget(plan, classNumbersNamed(a, plan, data));
}

/** The examples with what the model learns to output: the dataset's labels, or its features (`target: features`, an autoencoder's; the check allows one feature tensor). */
function withTarget(plan: TrainPlan, data: Data): Data {
  if (!targetsFeatures(plan.settings)) return data;
  const { name: _input, ...features } = data.features[0];
  const shown = data.labels && data.classes ? { labels: data.labels, classes: data.classes } : undefined;
  return { ...data, labels: features, classes: undefined, shown };
}

/**
 * Whole-number labels that the plan's loss reads as classes (a CSV's 0–2 column under
 * sparseCategoricalCrossentropy, its 0/1 column under binaryCrossentropy), their classes
 * named '0', '1', …: the panel colours the examples by class and the run reports its
 * confusion, as for text classes (the data trained on, and a dataset validated on).
 */
function classNumbersNamed(a: Analysis, plan: TrainPlan, data: Data): Data {
  const reads = findLoss((plan.settings.loss as Choice | undefined)?.name ?? '');
  const g = a.models.find((m) => m.name === plan.model);
  const shape = g?.outputs.length === 1 ? outputShapes(g)[0] : undefined;
  const units = shape?.length === 1 ? shape[0] : undefined;
  if (data.classes || a.datasets.get(plan.dataset)?.shapes?.classNumbers === undefined || !reads || typeof units !== 'number') return data;
  const count = reads.labels === 'sparse' ? units : reads.name === 'binaryCrossentropy' && units === 1 ? 2 : 0;
  return count ? { ...data, classes: Array.from({ length: count }, (_, k) => String(k)) } : data;
}

/** A run on texts read as token ids: the word of each id, a line each (line 0, the padding, is empty), as Keras's get_vocabulary() lists them. */
const VOCABULARY_FILE = 'vocabulary.txt';

/** The run's folder, made before training starts: a folder that cannot be made is the user's to fix, not a failed training. */
function openRunFolder(out: string, model: string): RunFolder {
  try {
    return new RunFolder(out, model);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const why = err.code === 'ENOTDIR' || err.code === 'EEXIST' ? 'a file stands where the folder should be' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err.message;
    throw new RunError(`cannot save the run in ${out}: ${why}`);
  }
}

export async function runTraining(o: RunOptions): Promise<RunResult> {
  const control = o.control ?? new Control();
  const file = resolve(o.file);
  let folder: RunFolder | undefined;
  let plan: TrainPlan | undefined;
  const started = performance.now();
  try {
    const read = readPlan(file, o.model);
    const { text, analysis: a, data } = read;
    plan = read.plan;
    let backend: BackendChoice = await selectBackend(o.backend ?? 'auto', { gpu: o.gpu });
    let fallback: { from: string; missingKernels: string[] } | undefined;
    if (backend.name !== 'cpu' && backend.name !== 'tensorflow') {
      const missing = await preflight(a, plan, data);
      if (missing.length) {
        fallback = { from: backend.name, missingKernels: missing };
        const from = backend.name;
        backend = { ...(await selectBackend('cpu')), reason: `${from} lacks the ${missing.join(', ')} kernel${missing.length > 1 ? 's' : ''} this model needs to train, so the run uses cpu` };
      }
    }
    const settings = plan.settings;
    const epochs = o.epochs ?? (settings.epochs as number);
    const batchSize = settings.batchSize as number;
    const parts = trainingParts(a, plan, data, file);
    const g = a.models.find((m) => m.name === plan!.model)!;
    const toCpu = cpuOverGpu(o.backend ?? 'auto', backend, !!plan.versus, g, () => trainsInLoops(g, settings));
    if (toCpu) backend = { ...(await selectBackend('wasm').catch(() => selectBackend('cpu'))), reason: toCpu };
    const workers = await chooseWorkers(o.workers ?? 1, g, !!plan.versus, settings, parts.train, batchSize, backend.name as BackendName);
    if (workers.note) backend = { ...backend, reason: `${backend.reason}; ${workers.note}` };
    const batchAdvice = backend.gpu && !plan.versus && o.adviseBatchSize !== false ? await adviseBatchSize(g, settings, parts.train, batchSize) : undefined;
    const summaries = [g, ...(plan.versus ? [a.models.find((m) => m.name === plan!.versus)!] : [])].map(modelSummary);

    folder = openRunFolder(o.out ? resolve(o.out) : join(dirname(file), 'runs'), plan.model);
    folder.write('source.dlnet', text);
    // Texts read as token ids: the model reads new texts only through the ids it was trained with.
    const encoding = a.datasets.get(plan.dataset)?.shapes?.encoding;
    const tokens = encoding?.text;
    if (tokens) folder.write(VOCABULARY_FILE, tokens.vocabulary.join('\n'));
    // How new data is read as this run's was (`dlnet predict`, the panel's questions): a table's feature columns and their texts one-hot, or texts' ids.
    const textRead = tokens && { column: tokens.column, length: tokens.length, vocabulary: VOCABULARY_FILE };
    const table = encoding && !tokens ? { columns: encoding.columns, texts: encoding.texts } : undefined;
    o.sink({
      type: 'start', file, model: plan.model, versus: plan.versus, dataset: plan.dataset, line: plan.decl.range.start.line,
      backend: backend.name, backendReason: backend.reason, backendSkipped: backend.skipped, fallback, summary: summaries,
      data: { train: parts.train.size, validation: parts.validation?.size ?? 0, classes: data.classes ?? data.shown?.classes, ...(table && { table }) },
      epochs, batchSize, batchesPerEpoch: Math.ceil(parts.train.size / batchSize), replicas: workers.count, batchAdvice,
    });
    const onEpoch = (epoch: number, logs: Record<string, number>) => folder!.append('metrics.jsonl', JSON.stringify({ epoch, ...logs }));
    let result: FitResult;
    const stopListening = o.control ? () => {} : control.listen();
    takeGpuError(); // one the GPU reported while measuring (preflight, batch advice) is not the training's
    try {
      if (plan.versus) {
        const gen = compileModel(g, settings.seed as number);
        const disc = compileModel(a.models.find((m) => m.name === plan!.versus)!, (settings.seed as number) + 1);
        result = await fitGan(gen, disc, g, settings, parts.train, { epochs, batchSize, sink: o.sink, control, onEpoch });
        const gDir = join(folder.partial, 'generator');
        const dDir = join(folder.partial, 'discriminator');
        for (const [m, dir] of [[gen, gDir], [disc, dDir]] as const) {
          mkdirSync(dir);
          await saveModel(m, dir);
        }
        gen.dispose();
        disc.dispose();
      } else {
        const model = compileModel(g, settings.seed as number);
        const opt = optimizer(settings.optimizer as Choice);
        const compile = () => model.compile({ optimizer: opt, loss: loss(settings), metrics: metrics(settings) });
        compile();
        const parallel = workers.count > 1 ? await DataParallel.start(new Replica(model, settings), g, settings.seed as number, settings, backend.name as BackendName, workers.count) : undefined;
        try {
          const optimizerLine = (plan.decl.settings.find((st) => st.key.text === 'optimizer') ?? plan.decl).range.start.line;
          result = await fit(model, opt, g, settings, parts.train, parts.validation, {
            epochs, batchSize, sink: o.sink, control, onEpoch, representation: o.representation ?? true, chunkBytes: o.chunkBytes, parallel, optimizerLine,
          });
        } finally {
          await parallel?.close();
        }
        if (parallel) compile(); // the replica's gradient-capturing optimiser is not one to save
        await saveModel(model, folder.partial);
        model.dispose();
        opt.dispose(); // the model was given it, so does not own it
      }
    } finally {
      stopListening();
      releaseGpuMemory();
    }
    folder.write('run.json', JSON.stringify({ model: plan.model, versus: plan.versus, dataset: plan.dataset, backend: backend.name, status: result.status, epochs: result.epochs, logs: result.logs, kept: result.kept, classes: data.classes, text: textRead, table }, null, 2));
    const savedTo = folder.commit();
    o.sink({ type: 'end', status: result.status, logs: result.logs, epochs: result.epochs, elapsedMs: Math.round(performance.now() - started), savedTo, confusion: result.confusion, ...(result.kept && { kept: result.kept }) });
    return { status: result.status, savedTo, logs: result.logs };
  } catch (e) {
    folder?.discard();
    const message = e instanceof RunError || e instanceof TrainingError ? e.message : `training failed: ${(e as Error).message}`;
    const at = e instanceof RunError ? { line: e.line, character: e.character, code: e.code, diagnostics: e.diagnostics } : { line: plan?.decl.range.start.line };
    o.sink({ type: 'error', message, ...at, file });
    o.sink({ type: 'end', status: 'failed', logs: {}, epochs: 0, elapsedMs: Math.round(performance.now() - started) });
    return { status: 'failed' };
  }
}

