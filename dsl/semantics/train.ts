/**
 * Checks of `train M on d { ... }` and `train G vs D on d`: names, settings, and the
 * fit between the dataset, the model's inputs and outputs, and the loss.
 */
import { choiceWithDefaults, datasets as sources, findChoice, losses, optimizers, findDataset, findLayer, findLoss, findSetting, heldOut, choiceAlias, inputShapeParameter, logitsLoss, tableShapesLike, targetsFeatures, textColumnsOf, textsOf, trainSettings, type Args, type Choice, type DatasetShapes, type LossDef, type SourceError } from '../catalog';
import { diagnostic, replaceWith, type Fix, type TextEdit } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { alongLine, comparePositions, contains, lineOf, lineStart, withoutItem, type Range } from '../syntax/range';
import type { SyntaxError } from '../syntax/parser';
import { valueText } from '../syntax/value-text';
import type { Context, DatasetInfo } from './context';
import { layerNode, nodeShape, unbuildable, type InputNode, type LayerNode, type ModelGraph } from './graph';
import { effectiveActivation } from './lints';
import { leastSize, runOnData, type OnData } from './on-data';
import { compareShapes, formatShape, type Shape } from './shape';
import { closest } from '../suggest';
import { freeName } from './keras-inputs';
import { checkTokens } from './tokens';
import { settingAdded, settingNamed, settingRemoval } from './train-edits';
import { checkWatched } from './watched';
import { labelFixes } from './source-fixes';
import { evaluate, fromLogits, listArgumentItemAdded, settingArgument, UNKNOWN, valueTaking, type ValueScope } from './values';

/** A checked train statement: what the runtime needs to run it. */
export interface TrainPlan {
  decl: ast.TrainDecl;
  model: string;
  /** The discriminator of a GAN. */
  versus?: string;
  dataset: string;
  settings: Args;
  ok: boolean;
}

const PASS_THROUGH = new Set(['dropout', 'gaussianNoise', 'flatten', 'reshape', 'spatialDropout1d', 'spatialDropout2d']);

export function checkTrain(ctx: Context, decl: ast.TrainDecl, globals: ValueScope): TrainPlan {
  const errorsBefore = ctx.errors.length;
  const model = resolveModel(ctx, decl, decl.model);
  const versus = decl.versus ? resolveModel(ctx, decl, decl.versus) : undefined;
  // A source called in place is no dataset yet: said, with the fix that declares it.
  if (decl.dataCall) sourceCalledInPlace(ctx, decl, decl.dataCall, 'a train statement');
  const data = decl.dataCall ? undefined : resolveDataset(ctx, decl, decl.data);
  const gan = decl.versus !== undefined;
  const settings = bindSettings(ctx, decl, gan, globals);
  checkWatched(ctx, decl, settings, gan);
  const shapes = data?.shapes && targetShapes(ctx, decl, settings, data.shapes, data.decl);
  if (model && data && shapes && (!gan || versus)) {
    if (gan && versus) checkGan(ctx, decl, model, versus, shapes, data.decl);
    else checkFit(ctx, decl, model, shapes, data.decl, settings);
  }
  const features = data?.shapes && isShape(data.shapes.features) ? data.shapes.features : undefined;
  if (!model && !gan && features && data) inputFromData(ctx, decl, features, data.decl, data.shapes?.encoding?.text !== undefined);
  if (model) checkBuildable(ctx, decl.model, model, gan ? undefined : features);
  if (versus) checkBuildable(ctx, decl.versus!, versus, features);
  const validation = settings.validation as string | undefined;
  if (validation && model && !gan) {
    const v = ctx.dataset(validation);
    if (v?.shapes) {
      const valueRange = settingNamed(decl, 'validation')!.value.range;
      const read = data?.shapes ? readLike(ctx, v, data.shapes) : v.shapes;
      if ('error' in read) {
        ctx.report(diagnostic('data-mismatch', 'error', valueRange, `dataset ${v.decl.name.text} (line ${lineOf(v.decl.range)}) cannot be read as dataset ${decl.data.text} is, to validate ${model.name}: ${read.error}`, {
          related: [{ range: v.decl.range, message: `dataset ${v.decl.name.text}` }],
        }));
      } else checkFeatures(ctx, valueRange, model, read, v.decl);
    }
  }
  const errors = ctx.errors.length - errorsBefore;
  return { decl, model: decl.model.text, versus: decl.versus?.text, dataset: decl.data.text, settings, ok: errors === 0 && !!model && !!data };
}

/**
 * A model or dataset named in train statement `train`: an unknown-name error with a
 * suggestion, or a recorded reference.
 */
function resolve(ctx: Context, train: ast.TrainDecl, ident: ast.Ident, kind: 'model' | 'dataset'): ast.ModelDecl | ast.DatasetDecl | undefined {
  const decl = kind === 'model' ? ctx.model(ident.text) : ctx.dataset(ident.text)?.decl;
  if (!decl) {
    if (ident.text === '') return undefined;
    const python = kind === 'model' ? ctx.pythonModel(ident.text) : undefined;
    if (python) {
      // A PyTorch class or a Keras model above, said at its own line with the fix that declares it.
      ctx.report(diagnostic('unknown-name', 'error', ident.range, `no model named ${ident.text} yet: line ${lineOf(python)} says it in Python, and its fix declares it in dlnet`, {
        related: [{ range: python, message: `model ${ident.text}, in Python` }],
      }));
      return undefined;
    }
    const guess = closest(ident.text, ctx.names(kind));
    const declare = !guess && kind === 'dataset' ? declarationOf(ctx, train, ident) : undefined;
    const advice = guess ? `; did you mean ${guess}?` : declare ? `; declare it first, such as \`${declare.text}\`` : '';
    ctx.report(diagnostic('unknown-name', 'error', ident.range, `no ${kind} named ${ident.text}${advice}`, { fixes: declare?.fixes ?? replaceWith(ident.range, guess) }));
    return undefined;
  }
  ctx.use(kind, ident.text);
  ctx.refer(decl.name.text, kind, decl.name.range, decl.range, undefined, ident.range);
  return decl;
}

/**
 * `train M on mnist` with no dataset called mnist, as Keras users write it: a declaration
 * of it from the source of that name (or nearly), on a line of its own above the first
 * train statement that names it, so that every statement naming it offers the same edit
 * (and "fix all" makes one). Only for sources that need no argument, so the declaration
 * checks as inserted.
 */
function declarationOf(ctx: Context, train: ast.TrainDecl, ident: ast.Ident): { text: string; fixes: Fix[] } | undefined {
  const source = findDataset(ident.text) ?? findDataset(closest(ident.text, sources.map((d) => d.name)) ?? '');
  if (!source || source.params.some((p) => p.default === undefined && !p.optional)) return undefined;
  const text = `dataset ${ident.text} = ${source.name}()`;
  const first = ctx.firstTrainOn(ident.text) ?? train;
  const at = lineStart(first.keyword.start);
  return { text, fixes: [{ title: `Declare ${text}`, edits: [{ range: { start: at, end: at }, newText: `${text}${ctx.lineBreak}` }], preferred: true }] };
}

/**
 * What the model learns to output from the data: its labels, or with `target: features` (an
 * autoencoder, Keras's `fit(x, x)`) its features, as values to give back; undefined, said,
 * where the data has several feature tensors, which no one output gives back.
 */
function targetShapes(ctx: Context, decl: ast.TrainDecl, settings: Args, shapes: DatasetShapes, dataDecl: ast.DatasetDecl): DatasetShapes | undefined {
  if (!targetsFeatures(settings)) return shapes;
  if (!isShape(shapes.features)) {
    ctx.report(diagnostic('data-mismatch', 'error', settingNamed(decl, 'target')!.value.range,
      `target: features gives back one feature tensor, but dataset ${dataDecl.name.text} (line ${lineOf(dataDecl.range)}) gives ${shapes.features.length} (${shapes.features.map((f) => f.name).join(', ')})`));
    return undefined;
  }
  return { ...shapes, labels: shapes.features, labelKind: 'regression', classes: undefined, classNumbers: undefined, targetIsFeatures: true };
}

/** What the model is trained to output, in words: a dataset's labels, or its features where they are the target. */
const targetWords = (data: DatasetShapes, dataDecl: ast.DatasetDecl) => (data.targetIsFeatures ? `dataset ${dataDecl.name.text}'s features, the target,` : `dataset ${dataDecl.name.text}'s labels`);

function resolveModel(ctx: Context, train: ast.TrainDecl, ident: ast.Ident): ModelGraph | undefined {
  if (!resolve(ctx, train, ident, 'model')) return undefined;
  const g = ctx.graph(ident.text);
  return g?.ok ? g : undefined;
}

function resolveDataset(ctx: Context, train: ast.TrainDecl, ident: ast.Ident) {
  return resolve(ctx, train, ident, 'dataset') ? ctx.dataset(ident.text) : undefined;
}

/**
 * `train M on mnist(flat: true)` or `validation: mnist(split: test)`, a source called where a
 * dataset's name goes (as Keras's `fit` takes its data): the fix declares the dataset on a
 * line above the statement and names it here. `alsoTaken`: a name the statement's other
 * such fix gives.
 */
function sourceCalledInPlace(ctx: Context, train: ast.TrainDecl, call: ast.Call, what: string, alsoTaken?: string): void {
  const name = inPlaceName(ctx, call, alsoTaken);
  const declaration = `dataset ${name} = ${valueText(call)}`;
  const at = lineStart(train.keyword.start);
  ctx.report(diagnostic('syntax-error', 'error', call.range, `${what} names a dataset declared on its own; declare this one first: \`${declaration}\``, {
    fixes: [{
      title: `Declare ${declaration}`,
      edits: [{ range: { start: at, end: at }, newText: `${declaration}${ctx.lineBreak}` }, { range: call.range, newText: name }],
      preferred: true,
    }],
  }));
}

/** The name a source called in place is declared under: its own (`mnist`), its split's (`mnistTest`), or numbered, whichever no dataset has. */
function inPlaceName(ctx: Context, call: ast.Call, alsoTaken?: string): string {
  const taken = new Set(ctx.names('dataset'));
  if (alsoTaken) taken.add(alsoTaken);
  const base = call.callee.text;
  const split = call.args?.find((a) => a.name?.text === 'split')?.value;
  const part = split?.kind === 'call' && !split.args ? split.callee.text : undefined;
  const candidates = [...(part ? [`${base}${part[0].toUpperCase()}${part.slice(1)}`] : []), base, `${base}Data`, ...[2, 3, 4, 5, 6, 7, 8, 9].map((n) => `${base}${n}`)];
  return candidates.find((n) => !taken.has(n))!;
}

function bindSettings(ctx: Context, decl: ast.TrainDecl, gan: boolean, globals: ValueScope): Args {
  const out: Args = {};
  const seen = new Set<string>();
  for (const s of decl.settings) {
    if (!s.value || s.key.text === '') continue;
    const def = findSetting(s.key.text);
    if (!def) {
      const guess = closest(s.key.text, trainSettings.map((t) => t.name));
      const moved = guess ? undefined : optimizerParameterSetting(ctx, decl, s);
      if (moved) {
        ctx.report(diagnostic('invalid-setting', 'error', s.key.range, moved.message, { fixes: moved.fixes }));
        continue;
      }
      ctx.report(diagnostic('invalid-setting', 'error', s.key.range, `unknown train setting '${s.key.text}'${guess ? `; did you mean '${guess}'?` : ` (settings: ${trainSettings.map((t) => t.name).join(', ')})`}`, {
        fixes: replaceWith(s.key.range, guess),
      }));
      continue;
    }
    if (seen.has(def.name)) {
      ctx.report(diagnostic('invalid-setting', 'error', s.range, `'${def.name}' is set twice`, { fixes: settingRemoval(decl, s, `Remove the repeated ${def.name}`) }));
      continue;
    }
    seen.add(def.name);
    // A setting for the other kind of training does nothing there: taking it out is safe.
    if (def.only === 'gan' && !gan) {
      ctx.report(diagnostic('invalid-setting', 'error', s.key.range, `'${def.name}' applies to GAN training only (train G vs D on data)`, { fixes: settingRemoval(decl, s, `Remove ${def.name}`, true) }));
      continue;
    }
    if (def.only === 'plain' && gan) {
      ctx.report(diagnostic('invalid-setting', 'error', s.key.range, `'${def.name}' does not apply to GAN training, which uses binary cross-entropy for both networks`, {
        fixes: settingRemoval(decl, s, `Remove ${def.name}`, true),
      }));
      continue;
    }
    if (def.type.kind === 'dataset' && s.value.kind === 'call' && s.value.args) {
      const trainedOn = decl.dataCall && inPlaceName(ctx, decl.dataCall);
      sourceCalledInPlace(ctx, decl, s.value, `'${def.name}'`, trainedOn);
      continue;
    }
    const v = evaluate(s.value, def.type, globals, `'${def.name}'`);
    if (v === undefined || v === UNKNOWN) continue;
    if (def.type.kind === 'dataset') {
      const ident = (s.value as ast.Call).callee;
      if (!resolveDataset(ctx, decl, ident)) continue;
    }
    out[def.name] = v;
  }
  for (const def of trainSettings) {
    if (def.name in out || seen.has(def.name)) continue;
    if (def.only === 'gan' && !gan) continue;
    if (def.only === 'plain' && gan) continue;
    // A defaulted choice gets its parameters' defaults too, as a written one does from evaluate.
    if (def.default !== undefined) out[def.name] = def.type.kind === 'choice' ? choiceWithDefaults(def.type.table, def.default as Choice) : def.default;
  }
  if (!gan && !seen.has('loss')) {
    const { loss } = fittingLoss(ctx.graph(decl.model.text), ctx.dataset(decl.data.text)?.shapes);
    ctx.report(diagnostic('invalid-setting', 'error', decl.keyword, `train ${decl.model.text} needs a loss, such as loss: ${loss}`, {
      fixes: lossInsertion(ctx, decl, loss),
    }));
  }
  if (seen.has('validation') && seen.has('validationSplit')) {
    const s = settingNamed(decl, 'validationSplit')!;
    ctx.report(diagnostic('invalid-setting', 'error', s.range, 'give either validation (a dataset) or validationSplit, not both', { fixes: settingRemoval(decl, s, 'Remove validationSplit') }));
  }
  return out;
}

/**
 * The loss that fits a model's output, and the dataset's labels where they are known:
 * what the fix for a missing loss writes, and what completion offers first.
 */
export function fittingLoss(g: ModelGraph | undefined, data: DatasetShapes | undefined): { loss: string; fits: string } {
  const labels = data?.labelKind;
  const out = g && outputFacts(g);
  const activation = out?.activation;
  // Whole numbers from 0 up may be classes: a softmax with a unit for each, or one sigmoid unit for 0/1, says they are.
  const classNumbers = labels === 'regression' ? data!.classNumbers : undefined;
  const units = out?.shape[out.shape.length - 1];
  const asClasses = classNumbers !== undefined && typeof units === 'number'
    && (activation === 'softmax' ? classNumbers <= units : activation === 'sigmoid' && units === 1 && classNumbers <= 2);
  if (labels === 'regression' && !asClasses) return { loss: 'meanSquaredError', fits: 'labels that are values to predict (a regression)' };
  if (activation === 'sigmoid') return { loss: 'binaryCrossentropy', fits: `${g!.name}'s sigmoid output (yes/no labels)` };
  if (activation === 'softmax') {
    return labels === 'sparse' || asClasses
      ? { loss: 'sparseCategoricalCrossentropy', fits: `${g!.name}'s softmax output and labels that are class numbers` }
      : { loss: 'categoricalCrossentropy', fits: `${g!.name}'s softmax output (one class of several)` };
  }
  return { loss: 'meanSquaredError', fits: g ? `${g.name}'s output, which is not a probability (a regression)` : 'a regression' };
}

/**
 * `learningRate: 0.01` as a train setting, as Keras's compile and many tutorials put it:
 * a parameter of the optimizer (the one set, or adam, the default), which the fix moves
 * into its call (`optimizer: adam(learningRate: 0.01)`). One the optimizer lacks
 * (`momentum: 0.9` beside sgd) switches to the optimizer that takes it and what the call
 * gives: the one named after it, or else the only one.
 */
function optimizerParameterSetting(ctx: Context, decl: ast.TrainDecl, s: ast.Setting): { message: string; fixes?: Fix[] } | undefined {
  const set = settingNamed(decl, 'optimizer');
  const call = set?.value.kind === 'call' ? set.value : undefined;
  if (set && !call) return undefined; // `optimizer: 'adam'`: its own error comes first
  const current = findChoice('optimizer', call?.callee.text ?? 'adam');
  if (!current) return undefined;
  const parameterOf = (names: string[]) => (names.includes(s.key.text) ? s.key.text : closest(s.key.text, names));
  const own = parameterOf(current.params?.map((p) => p.name) ?? []);
  const param = own ?? parameterOf([...new Set(optimizers.flatMap((c) => c.params?.map((p) => p.name) ?? []))]);
  const given = call?.args?.flatMap((a) => (a.name ? [a.name.text] : [])) ?? [];
  const optimizer = own ? current : param && valueTaking('optimizer', current, [...given, param], param);
  if (!optimizer || !param) return undefined;
  const value = ctx.written(s.value.range);
  const written = `${optimizer.name}(${param}: ${value})`;
  const switched = optimizer !== current ? `, which ${current.name} does not take` : '';
  const message = `'${s.key.text}' is a parameter of the optimizer, not a train setting${switched}: optimizer: ${written}`;
  const title = `Move ${param} into the optimizer: ${written}`;
  if (!call) return { message, fixes: [{ title, edits: [{ range: { start: s.range.start, end: s.value.range.end }, newText: `optimizer: ${written}` }], preferred: true }] };
  const into = settingArgument(call, param, value);
  const renamed = optimizer === current ? [] : [{ range: call.callee.range, newText: optimizer.name }];
  const removal = settingRemoval(decl, s, title, true)[0];
  return { message, fixes: [{ ...removal, edits: joinTouching([...renamed, into, ...removal.edits]) }] };
}

/**
 * Edits in order, where one ends at the next one's start made into one (`optimizer: sgd;
 * lr: 0.01`: the argument written after `sgd` and the setting taken out from there), so no
 * two edits an editor applies share a position.
 */
function joinTouching(edits: TextEdit[]): TextEdit[] {
  const sorted = [...edits].sort((a, b) => comparePositions(a.range.start, b.range.start) || comparePositions(a.range.end, b.range.end));
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const last = out[out.length - 1];
    if (last && comparePositions(last.range.end, e.range.start) === 0) out[out.length - 1] = { range: { start: last.range.start, end: e.range.end }, newText: last.newText + e.newText };
    else out.push(e);
  }
  return out;
}

function lossInsertion(ctx: Context, decl: ast.TrainDecl, loss: string): Fix[] | undefined {
  return [{ title: `Add loss: ${loss}`, edits: [settingAdded(ctx, decl, `loss: ${loss}`)], preferred: true }];
}

interface OutputFacts {
  node?: LayerNode;
  shape: Shape;
  activation?: string;
}

function outputFacts(g: ModelGraph): OutputFacts | undefined {
  if (g.outputs.length !== 1) return undefined;
  const shape = nodeShape(g, g.outputs[0]);
  return shape && { shape, ...outputLayer(g) };
}

/** The layer that gives the model's one output, and its activation, looking through layers that pass values on unchanged (dropout, reshaping); its shape may not be known. */
function outputLayer(g: ModelGraph): Omit<OutputFacts, 'shape'> {
  let node = g.outputs.length === 1 ? layerNode(g, g.outputs[0]) : undefined;
  if (!node) return {};
  let before: LayerNode | undefined;
  while (node.params === 0 && node.inputs.length === 1 && PASS_THROUGH.has(node.kind) && (before = layerNode(g, node.inputs[0]))) node = before;
  return { node, activation: effectiveActivation(node, new Map()) };
}

/** Layers that act on the last axis alone, through which a flatten may move back (softmax would then normalise over more). */
const PER_FEATURE = new Set(['dense', 'dropout', 'gaussianNoise', 'batchNorm', 'layerNorm', 'relu', 'leakyRelu', 'elu', 'selu', 'gelu', 'tanh', 'sigmoid', 'softplus', 'swish']);

/**
 * The first dense layer of the stack that ends in the output `dense`, going back through
 * layers that act on the last axis alone: a flatten goes before it, where Keras models put
 * it (after the convolutions, not between the dense layers, whose weights would then act
 * on every position). Only through layers written in the model itself, each feeding the
 * next alone, so that moving the flatten changes nothing else.
 */
function headStart(ctx: Context, g: ModelGraph, output: LayerNode): LayerNode {
  const model = ctx.model(g.name);
  const writtenHere = (node: LayerNode) => !!writtenIn(ctx, model, node);
  const consumers = new Map<string, number>();
  for (const l of g.layers) for (const i of l.inputs) consumers.set(i, (consumers.get(i) ?? 0) + 1);
  let head = output;
  let node = output;
  for (;;) {
    const before = node.inputs.length === 1 ? layerNode(g, node.inputs[0]) : undefined;
    if (!before || !PER_FEATURE.has(before.kind) || consumers.get(before.id) !== 1 || g.outputs.includes(before.id) || !writtenHere(before)) return head;
    node = before;
    if (node.kind === 'dense') head = node;
  }
}

/** The call of a layer the model itself writes (not one of its blocks, whose other uses an edit would change too). */
function writtenIn(ctx: Context, model: ast.ModelDecl | undefined, node: LayerNode): ast.Call | undefined {
  return model && contains(model.range, node.range.start) ? ctx.nodeCalls.get(node) : undefined;
}

/**
 * A model that declares no input (as PyTorch writes one: its layers never say what they
 * take), trained on a dataset whose features are one known shape: said at the model's
 * name, with the fix that declares that input first in its body. (The model's own check
 * says it has none; it cannot know what trains it.)
 */
function inputFromData(ctx: Context, train: ast.TrainDecl, features: Shape, dataDecl: ast.DatasetDecl, tokenIds: boolean): void {
  const m = ctx.model(train.model.text);
  const g = ctx.graph(train.model.text);
  const first = m?.body.stmts[0];
  if (!m || !g || g.inputs.length > 0 || !first || m.body.stmts.some((st) => st.kind === 'input')) return;
  // Keras's first layer that gives its input's shape (`input_dim: 784`) has the fix that declares it from that: what the code says.
  if (first.kind === 'chain' && first.steps[0]?.kind === 'call' && first.steps[0].args?.some((a) => a.name && inputShapeParameter(a.name.text))) return;
  const taken = (n: string) => m.body.stmts.some((st) => st.kind === 'chain' && st.target?.text === n);
  const name = freeName(taken);
  if (!name) return;
  // Token ids are whole numbers: an int32 input, as Keras's TextVectorization gives them.
  const input = `input ${name}: ${formatShape(features)}${tokenIds ? ' int32' : ''}`;
  // Before the first statement: on a line of its own where that one has its own line, else before it with a ';'.
  const ownLine = first.range.start.line !== m.body.range.start.line;
  // On its own line, at the line's indentation: the statement may start after a module path the lexer read past (`nn.Linear`).
  // (Positions made from its line by lineStart and alongLine, which a recorded check reads as it moves.)
  const start = first.range.start;
  const at = ownLine ? alongLine(start, /^\s*/.exec(ctx.written({ start: lineStart(start), end: start }))![0].length - start.character) : start;
  ctx.report(diagnostic('data-mismatch', 'information', m.name.range, `model ${m.name.text} declares no input; train (line ${lineOf(train.range)}) gives it dataset ${dataDecl.name.text}, whose features are ${formatShape(features)}: \`${input}\``, {
    fixes: [{ title: `Declare ${input}`, edits: [{ range: { start: at, end: at }, newText: ownLine ? `${input}${ctx.lineBreak}${' '.repeat(at.character)}` : `${input}; ` }], preferred: true }],
    related: [{ range: train.data.range, message: `dataset ${dataDecl.name.text} trains it` }],
  }));
}

/**
 * A call written where a train setting's name goes: the setting it is a value of (an
 * optimizer's `adam(...)` is `optimizer: adam(...)`; `earlyStopping(patience: 2)` is
 * `earlyStopping: earlyStopping(patience: 2)`), said with the fix that writes its name.
 */
export function namedSetting(e: SyntaxError, name: string): SyntaxError {
  const table = (s: (typeof trainSettings)[number]) => (s.type.kind === 'choice' ? s.type.table : undefined);
  const setting = trainSettings.find((s) => s.name === name && table(s))
    ?? trainSettings.find((s) => table(s) && (findChoice(table(s)!, name) || choiceAlias(table(s)!, name)));
  if (!setting) return e;
  const at = e.range.start;
  return {
    ...e,
    message: `a train setting is written name: value; ${name}(...) is ${setting.name === name ? 'the value' : 'a value'} of the setting ${setting.name}: write ${setting.name}: ${name}(...)`,
    fixes: [{ title: `Write ${setting.name}: ${name}(...)`, edits: [{ range: { start: at, end: at }, newText: `${setting.name}: ` }], preferred: true }],
  };
}

/**
 * A table validated on, read as the table trained on was read (its features, in its order;
 * its texts one-hot by that table's texts; its labels that table's classes), so that each
 * feature means the same in both: the runtime reads it so too.
 */
function readLike(ctx: Context, validation: DatasetInfo, trained: DatasetShapes): DatasetShapes | SourceError {
  if (!trained.encoding || validation.decl.source?.callee.text !== 'csv' || !validation.args) return validation.shapes!;
  // The table is read again, as the data files are: such a check is never replayed.
  ctx.volatile();
  return tableShapesLike(validation.args, trained.encoding, ctx.host);
}

/**
 * A table's column of many texts (names, tickets) gives a feature a text: leaving it out
 * (`ignore: ["Name"]`) is offered, and preferred where that gives the input's size.
 */
function textColumnFixes(input: Shape, features: Shape, data: DatasetShapes, dataDecl: ast.DatasetDecl): Fix[] | undefined {
  const source = dataDecl.source;
  if (!source || input.length !== 1 || features.length !== 1 || typeof features[0] !== 'number') return undefined;
  const fixes = textColumnsOf(data.encoding).filter((e) => e.texts > 10).flatMap((e): Fix[] => {
    const item = JSON.stringify(e.column);
    const edit = listArgumentItemAdded(source, 'ignore', item);
    const fits = input[0] === (features[0] as number) - e.texts;
    return edit ? [{ title: `Leave out column ${item} (${e.texts} texts): ignore it`, edits: [edit], ...(fits ? { preferred: true } : {}) }] : [];
  });
  return fixes.length ? fixes : undefined;
}

/** Features of one shape, rather than one per named input. */
const isShape = (f: DatasetShapes['features']): f is Shape => f.every((d) => typeof d !== 'object' || d === null);

/**
 * Plain training on data without labels: a csv source that names no label column reads
 * them all as features (fixes: take the labels from one), and a model that gives back what
 * it reads learns its features (fix: `target: features`); other unlabelled data is for GANs.
 */
function reportUnlabelled(ctx: Context, decl: ast.TrainDecl, g: ModelGraph, outShape: Shape, data: DatasetShapes, dataDecl: ast.DatasetDecl): void {
  const source = dataDecl.source;
  const csv = source?.callee.text === 'csv';
  const autoencoder = isShape(data.features) && compareShapes(outShape, data.features) !== 'differ';
  // A column taken as the labels leaves one feature fewer: offered where the model reads one fewer.
  const input = g.inputs.length === 1 ? g.inputs[0].shape : undefined;
  const fitsWithoutOne = isShape(data.features) && data.features.length === 1 && input?.length === 1 && input[0] === (data.features[0] as number) - 1;
  const fixes: Fix[] = [
    ...(autoencoder ? [{ title: 'Train it to give back its features: target: features', edits: [settingAdded(ctx, decl, 'target: features')], preferred: true as const }] : []),
    ...(csv && fitsWithoutOne && ctx.host ? labelFixes(source!, ctx.host) ?? [] : []),
  ];
  const why = csv ? 'a csv source without label: reads every column as a feature' : `unlabelled data such as ${source?.callee.text ?? 'this'} is for GANs (train G vs D on ${dataDecl.name.text})`;
  const instead = [csv && 'name its label column', autoencoder && `train ${g.name} to give back its features (target: features)`].filter(Boolean).join(', or ');
  ctx.report(diagnostic('data-mismatch', 'error', decl.data.range, `dataset ${dataDecl.name.text} has no labels to train ${g.name} on; ${why}${instead ? `: ${instead}` : ''}`, { fixes: fixes.length ? fixes : undefined }));
}

/** The data's features against the model's inputs; the model run with the data's sizes, where its inputs leave some open. */
function checkFeatures(ctx: Context, at: Range, g: ModelGraph, data: DatasetShapes, dataDecl: ast.DatasetDecl): OnData | undefined {
  const features = isShape(data.features) ? [{ name: g.inputs[0]?.id ?? 'input', shape: data.features }] : data.features;
  if (features.length !== g.inputs.length) {
    ctx.report(diagnostic('data-mismatch', 'error', at,
      `model ${g.name} takes ${g.inputs.length} input${g.inputs.length === 1 ? '' : 's'} (${g.inputs.map((i) => i.id).join(', ')}), but dataset ${dataDecl.name.text} gives ${features.length} (${features.map((f) => f.name).join(', ')})`, {
        related: [{ range: dataDecl.range, message: `dataset ${dataDecl.name.text} is declared here` }],
      }));
    return undefined;
  }
  let ok = true;
  const given = new Map<string, Shape>();
  features.forEach((f, i) => {
    const input = g.inputs.find((n) => n.id === f.name) ?? g.inputs[i];
    given.set(input.id, f.shape);
    if (compareShapes(input.shape, f.shape) === 'differ') {
      ok = false;
      const encoded = textColumnsOf(data.encoding).map((e) => `${e.column} ${e.texts}`).join(', ');
      ctx.report(diagnostic('data-mismatch', 'error', at,
        `model ${g.name} takes input \`${input.id}\` ${formatShape(input.shape)} (line ${lineOf(input.range)}), but dataset ${dataDecl.name.text} gives features ${formatShape(f.shape)} (line ${lineOf(dataDecl.range)})${encoded ? `; its columns of texts give one feature a text: ${encoded}` : ''}`, {
          fixes: flattenedInputFix(ctx, g, input, f.shape) ?? textColumnFixes(input.shape, f.shape, data, dataDecl) ?? inputAsDataFix(ctx, g, input, f.shape),
          related: [
            { range: input.range, message: `input \`${input.id}\` ${formatShape(input.shape)}` },
            { range: dataDecl.range, message: `features ${formatShape(f.shape)}` },
          ],
        }));
    }
  });
  if (!ok || !g.ok || !g.inputs.some((i) => i.shape.some((d) => typeof d !== 'number'))) return undefined;
  const run = runOnData(g, given);
  if (run?.failure) reportFailureOnData(ctx, at, g, run, run.failure, dataDecl, leastSize(g, given, run));
  return run;
}

/**
 * An input whose first layer flattens it takes the data's shape where it holds as many
 * values (`input x: [28, 28]` as TensorFlow's quickstart writes it, MNIST's [28, 28, 1]): the
 * flatten gives the same vector, so nothing after it changes.
 */
function flattenedInputFix(ctx: Context, g: ModelGraph, input: InputNode, data: Shape): Fix[] | undefined {
  const values = (shape: Shape) => (shape.every((d) => typeof d === 'number') ? (shape as number[]).reduce((a, b) => a * b, 1) : NaN);
  const flattened = g.layers.filter((l) => l.inputs.includes(input.id));
  if (values(input.shape) !== values(data) || flattened.length !== 1 || flattened[0].kind !== 'flatten') return undefined;
  const stmt = ctx.inputStatement(g, input);
  if (!stmt) return undefined;
  return [{ title: `Declare the input as ${formatShape(data)}, the data's shape (its flatten gives the same ${values(data)} values)`, edits: [{ range: stmt.shape.range, newText: formatShape(data) }], preferred: true }];
}

/**
 * Any other input that the data does not fit: declared as the data's shape, offered (the
 * layers after it then take other shapes, which the check judges anew).
 */
function inputAsDataFix(ctx: Context, g: ModelGraph, input: InputNode, data: Shape): Fix[] | undefined {
  if (data.some((d) => typeof d !== 'number')) return undefined;
  const stmt = ctx.inputStatement(g, input);
  return stmt ? [{ title: `Declare the input as ${formatShape(data)}, the data's shape`, edits: [{ range: stmt.shape.range, newText: formatShape(data) }] }] : undefined;
}

/** The model, checked with the sizes its inputs leave open, fails with the data's (`runOnData`); `least` is where it would run ("T ≥ 5"). */
function reportFailureOnData(ctx: Context, at: Range, g: ModelGraph, run: OnData, failure: NonNullable<OnData['failure']>, dataDecl: ast.DatasetDecl, least: string | undefined): void {
  const sizes = run.bound.length > 0 ? ` (${run.bound.join(', ')})` : '';
  // A window larger than the data's sizes: padding it is one repair, on the layer (in its block where a block holds it); it changes the model's shapes, so it is not preferred.
  const hint = failure.hint?.kind === 'set-argument' ? failure.hint : undefined;
  const call = hint && failure.node.kind !== 'input' ? ctx.nodeCalls.get(failure.node) : undefined;
  const fixes: Fix[] | undefined = hint && call ? [{ title: hint.title, edits: [settingArgument(call, hint.name, hint.text)] }] : undefined;
  ctx.report(diagnostic('data-mismatch', 'error', at,
    `model ${g.name} fails on the sizes of dataset ${dataDecl.name.text}${sizes}: ${failure.message} (line ${lineOf(failure.node.range)})${least ? `; it runs with ${least}` : ''}`, {
      related: [
        { range: failure.node.range, message: `${failure.node.kind === 'input' ? `input \`${failure.node.id}\`` : failure.node.kind} fails here with the data's sizes` },
        { range: dataDecl.range, message: `dataset ${dataDecl.name.text} is declared here` },
      ],
      fixes,
    }));
}

/**
 * A model whose weights need a size its input leaves open (`dense` on `[?]`, `lstm` on
 * `[T, F]`) checks, since a check that needs an unknown size is skipped, but
 * cannot be built to train. Said at the train statement; where the data has every size of
 * that input, the fix writes them in.
 */
function checkBuildable(ctx: Context, at: ast.Ident, g: ModelGraph, features: Shape | undefined): void {
  const layer = g.ok ? unbuildable(g)?.layer : undefined;
  if (!layer) return;
  const open = g.inputs.find((i) => i.shape.some((d) => typeof d !== 'number'));
  const stmt = open && ctx.model(g.name)?.body.stmts.find((st): st is ast.InputStmt => st.kind === 'input' && st.range === open.range);
  const known = features && open && features.length === open.shape.length && features.every((d) => typeof d === 'number');
  ctx.report(diagnostic('invalid-shape', 'error', at.range,
    `model ${g.name} cannot be built to train: ${layer.kind} (line ${lineOf(layer.range)}) needs sizes of its input to make its weights, and ${open ? `input \`${open.id}\` ${formatShape(open.shape)} (line ${lineOf(open.range)})` : 'the model\'s input'} leaves them unknown; give the sizes`, {
      fixes: known && stmt ? [{ title: `Give input ${open.id} the data's sizes ${formatShape(features)}`, edits: [{ range: stmt.shape.range, newText: formatShape(features) }], preferred: true }] : undefined,
      related: [{ range: layer.range, message: `${layer.kind} needs its input's sizes to make its weights` }],
    }));
}

/** How many times larger one column's values may be than another's before a model should normalise them. */
const SCALES_APART = 100;
/** Layers that put their input on one scale. */
const NORMALISING = new Set(['batchNorm', 'layerNorm']);

/**
 * A table whose columns span very different scales (a price in thousands beside a count of
 * rooms) fed to a layer with weights as they are: gradient descent moves the weights of the
 * large column far faster than the others, and training crawls or diverges. A batchNorm
 * first puts every column on one scale (the fix inserts it; offered, not preferred: it
 * changes the model).
 */
function checkScales(ctx: Context, decl: ast.TrainDecl, g: ModelGraph, data: DatasetShapes, dataDecl: ast.DatasetDecl): void {
  const scales = data.scales?.filter((s) => s.scale > 0);
  if (!scales || scales.length < 2 || g.inputs.length !== 1) return;
  const largest = scales.reduce((a, b) => (b.scale > a.scale ? b : a));
  const smallest = scales.reduce((a, b) => (b.scale < a.scale ? b : a));
  if (largest.scale < SCALES_APART * smallest.scale) return;
  const first = g.layers.find((l) => l.inputs.includes(g.inputs[0].id));
  if (!first || NORMALISING.has(first.kind)) return;
  const input = ctx.inputStatement(g, g.inputs[0]);
  const fixes: Fix[] | undefined = input && [{
    title: `Insert batchNorm after the input (line ${lineOf(input.range)})`,
    edits: [{ range: { start: input.range.end, end: input.range.end }, newText: `${ctx.lineBreak}${' '.repeat(input.range.start.character)}batchNorm` }],
  }];
  const said = (s: { column: string; scale: number }) => (data.encoding && textsOf(data.encoding, s.column)
    ? `${s.column} one-hot, 0 or 1` : `${s.column} up to ${s.scale.toLocaleString('en-US', { maximumFractionDigits: 3 })}`);
  ctx.report(diagnostic('unscaled-features', 'warning', decl.data.range,
    `dataset ${dataDecl.name.text}'s columns span very different scales (${said(largest)}, ${said(smallest)}), and model ${g.name} feeds them as they are to ${first.kind} (line ${lineOf(first.range)}), whose weights then learn at very different rates; a batchNorm first puts them on one scale`, {
      fixes,
      related: [{ range: dataDecl.range, message: `dataset ${dataDecl.name.text}` }],
    }));
}

/** A validation split that leaves no example to train on (a small CSV, say). */
function checkSplit(ctx: Context, decl: ast.TrainDecl, data: DatasetShapes, dataDecl: ast.DatasetDecl, settings: Args): void {
  const fraction = settings.validationSplit as number | undefined;
  const setting = settingNamed(decl, 'validationSplit');
  if (data.size === undefined || fraction === undefined || !setting) return;
  const held = heldOut(data.size, fraction);
  if (held < data.size) return;
  ctx.report(diagnostic('invalid-setting', 'error', setting.value.range,
    `validationSplit ${fraction} holds out ${held} of dataset ${dataDecl.name.text}'s ${data.size} example${data.size === 1 ? '' : 's'} (line ${lineOf(dataDecl.range)}), which leaves none to train on`));
}

/**
 * The loss takes the dataset's whole-number labels (a CSV's 0/1 or 0–2 column) for classes:
 * sparseCategoricalCrossentropy and binaryCrossentropy read them so, and a one-hot loss says
 * they are meant so (its own error says how to read them).
 */
const readsClassNumbers = (loss: LossDef | undefined, data: DatasetShapes) =>
  data.classNumbers !== undefined && loss !== undefined && loss.labels !== 'regression';

/** Metrics that count right answers among classes. */
const CLASS_METRICS = new Set(['accuracy', 'binaryAccuracy', 'categoricalAccuracy', 'precision', 'recall']);

/**
 * Accuracy on labels that are values to predict (`sine`, a csv's number column) counts
 * exact hits of real numbers, almost never: a metric that says nothing. Fix: mae.
 */
function checkMetrics(ctx: Context, decl: ast.TrainDecl, data: DatasetShapes, dataDecl: ast.DatasetDecl, loss: LossDef | undefined): void {
  const list = settingNamed(decl, 'metrics')?.value;
  if (data.labelKind !== 'regression' || readsClassNumbers(loss, data) || list?.kind !== 'list') return;
  const has = (name: string) => list.items.some((i) => i.kind === 'call' && i.callee.text === name);
  for (const item of list.items) {
    if (item.kind !== 'call' || !CLASS_METRICS.has(item.callee.text)) continue;
    const fix: Fix = has('mae')
      ? { title: `Remove ${item.callee.text}`, edits: [{ range: withoutItem(list.items, item), newText: '' }], preferred: true }
      : { title: 'Change to mae (mean absolute error)', edits: [{ range: item.range, newText: 'mae' }], preferred: true };
    ctx.report(diagnostic('invalid-setting', 'warning', item.range,
      `${item.callee.text} counts right answers among classes, but ${targetWords(data, dataDecl)} are values to predict: it says nothing here; mae (mean absolute error) or mse does`, { fixes: [fix] }));
  }
}

function checkFit(ctx: Context, decl: ast.TrainDecl, g: ModelGraph, data: DatasetShapes, dataDecl: ast.DatasetDecl, settings: Args): void {
  checkLogits(ctx, decl, g);
  const run = checkFeatures(ctx, decl.data.range, g, data, dataDecl);
  checkSplit(ctx, decl, data, dataDecl, settings);
  checkScales(ctx, decl, g, data, dataDecl);
  checkTokens(ctx, decl, g, data, dataDecl);
  const lossChoice = settings.loss as Choice | undefined;
  const loss = lossChoice ? findLoss(lossChoice.name) : undefined;
  checkMetrics(ctx, decl, data, dataDecl, loss);
  const out = outputFacts(g);
  if (!out) return;
  // The output with the data's sizes, where the model leaves some open: [T, 3] is [18, 3] after a conv1d(kernel: 3) on 20 steps.
  const onData = run && !run.failure ? run.shapes.get(g.outputs[0]) : undefined;
  const outShape = onData ?? out.shape;
  const lossSetting = settingNamed(decl, 'loss');
  const replaceLoss = (name: string): Fix[] | undefined => lossSetting && [{ title: `Change the loss to ${name}`, edits: [{ range: lossSetting.value.range, newText: name }], preferred: true }];
  const where = out.node ? ` (line ${lineOf(out.node.range)})` : '';
  if (!data.labels) {
    reportUnlabelled(ctx, decl, g, outShape, data, dataDecl);
    return;
  }
  // Without a loss (an error of its own), the labels are compared as the loss its fix writes reads them.
  const sparse = (loss ?? (lossSetting ? undefined : findLoss(fittingLoss(g, data).loss)))?.labels === 'sparse';
  const outUnits = outShape[outShape.length - 1];
  if (!sparse && compareShapes(outShape, data.labels) === 'differ') {
    const fixes: Fix[] = [];
    const call = out.node ? ctx.nodeCalls.get(out.node) : undefined;
    const lastLabel = data.labels[data.labels.length - 1];
    // One-hot labels asked of a column of class numbers (0, 1, 2 against a softmax over 3): sparseCategoricalCrossentropy reads them as they are.
    const classNumbers = loss?.labels === 'onehot' && out.activation === 'softmax' && outShape.length === 1 && typeof outUnits === 'number'
      && data.classNumbers !== undefined && data.classNumbers <= outUnits ? data.classNumbers : undefined;
    if (classNumbers !== undefined) fixes.push(...(replaceLoss('sparseCategoricalCrossentropy') ?? []));
    else if (call && out.node?.kind === 'dense' && out.shape.length > data.labels.length) {
      const head = headStart(ctx, g, out.node);
      const at = ctx.nodeCalls.get(head)!.range.start;
      fixes.push({ title: head === out.node ? 'Insert flatten before the output layer' : `Insert flatten before the first dense layer (line ${lineOf(head.range)})`, edits: [{ range: { start: at, end: at }, newText: 'flatten -> ' }], preferred: true });
    } else if (call && out.node?.kind === 'dense' && formatShape(out.node.outputShape) === formatShape(out.shape) && outShape.length === data.labels.length
      && typeof lastLabel === 'number' && outUnits !== lastLabel && !(lastLabel === 1 && out.activation === 'softmax')) {
      // Only where the dense's units are the output's last axis (a dropout after it keeps them; a reshape does not), and that axis differs; never a softmax over one unit, which is always 1.
      const units = unitsArg(call);
      if (units) fixes.push({ title: `Change units to ${lastLabel}`, edits: [{ range: units.value.range, newText: String(lastLabel) }], preferred: true });
    }
    const sized = onData && formatShape(onData) !== formatShape(out.shape) ? ` with the data's sizes (${run!.bound.join(', ')})` : '';
    const read = classNumbers === undefined ? '' : `: class numbers from 0 to ${classNumbers - 1}, which ${loss!.name} would need one-hot; sparseCategoricalCrossentropy reads them as they are`;
    ctx.report(diagnostic('data-mismatch', 'error', decl.data.range,
      `model ${g.name} outputs ${formatShape(outShape)}${where}${sized}, but ${data.targetIsFeatures ? `${targetWords(data, dataDecl)} are` : `dataset ${dataDecl.name.text} has labels`} ${formatShape(data.labels)} (line ${lineOf(dataDecl.range)})${read}`, {
        fixes: fixes.length ? fixes : undefined,
        related: out.node ? [{ range: out.node.range, message: `the output ${formatShape(outShape)} comes from here` }] : undefined,
      }));
  }
  if (!loss || !lossSetting) return;
  const units = out.shape[out.shape.length - 1];
  if (loss.activations && out.activation && !loss.activations.includes(out.activation)) {
    if (loss.name === 'binaryCrossentropy' && out.activation === 'softmax') {
      const classes = data.labelKind === 'sparse' || data.classNumbers !== undefined ? 'sparseCategoricalCrossentropy' : 'categoricalCrossentropy';
      ctx.report(diagnostic('loss-mismatch', 'error', lossSetting.value.range,
        `binaryCrossentropy expects one sigmoid unit per yes/no label, but ${g.name}'s output is a softmax over ${units} units${where}; for one class out of ${units} use ${classes}`, {
          fixes: replaceLoss(classes),
        }));
    } else if (loss.labels !== 'binary' && out.activation === 'sigmoid') {
      ctx.report(diagnostic('loss-mismatch', 'error', lossSetting.value.range,
        `${loss.name} expects a softmax over the classes, but ${g.name}'s output is ${units === 1 ? 'a single sigmoid unit' : `${units} sigmoid units`}${where}; for yes/no labels use binaryCrossentropy`, {
          fixes: replaceLoss('binaryCrossentropy'),
        }));
    } else {
      ctx.report(diagnostic('loss-mismatch', 'warning', lossSetting.value.range,
        `${loss.name} expects ${loss.activations.join(' or ')} probabilities, but ${g.name}'s output has activation ${out.activation}${where}`, {
          fixes: outputActivationFix(ctx, g, out, loss.activations[0]),
        }));
    }
    return;
  }
  if (loss.labels === 'onehot' && data.labelKind === 'binary') {
    ctx.report(diagnostic('loss-mismatch', 'error', lossSetting.value.range,
      `${loss.name} expects one-hot labels, but dataset ${dataDecl.name.text} has yes/no labels [1]; use binaryCrossentropy with one sigmoid unit`, {
        fixes: units === 1 && out.activation === 'sigmoid' ? replaceLoss('binaryCrossentropy') : outputFix(ctx, out, lossSetting, 'binaryCrossentropy', 1, 'sigmoid') ?? replaceLoss('binaryCrossentropy'),
      }));
  } else if (loss.labels === 'sparse' && data.labelKind === 'onehot') {
    ctx.report(diagnostic('loss-mismatch', 'error', lossSetting.value.range,
      `${loss.name} expects integer class labels, but dataset ${dataDecl.name.text} has one-hot labels ${formatShape(data.labels)}; use categoricalCrossentropy`, { fixes: replaceLoss('categoricalCrossentropy') }));
  } else if (loss.labels === 'sparse' && data.labelKind === 'regression') {
    checkClassNumbers(ctx, decl, g, out, data, dataDecl, loss, where);
  } else if (loss.name === 'binaryCrossentropy' && data.labelKind === 'regression' && data.classNumbers !== undefined && data.classNumbers > 2) {
    const n = data.classNumbers;
    ctx.report(diagnostic('loss-mismatch', 'error', lossSetting.value.range,
      `binaryCrossentropy expects labels 0 or 1, but dataset ${dataDecl.name.text}'s labels are class numbers from 0 to ${n - 1} (line ${lineOf(dataDecl.range)}); for one class of ${n} use sparseCategoricalCrossentropy with a softmax over ${n} units`, {
        fixes: outputFix(ctx, out, lossSetting, 'sparseCategoricalCrossentropy', n, 'softmax'),
      }));
  }
}

/**
 * Number labels read as class numbers (sparseCategoricalCrossentropy over a CSV's number
 * column): each a whole number from 0 up, and each with a unit of the softmax to score it
 * (tfjs would not say so: the loss of a class number past the last unit is 0, and nothing is learnt of it).
 */
function checkClassNumbers(ctx: Context, decl: ast.TrainDecl, g: ModelGraph, out: OutputFacts, data: DatasetShapes, dataDecl: ast.DatasetDecl, loss: LossDef, where: string): void {
  const n = data.classNumbers;
  const lossSetting = settingNamed(decl, 'loss')!;
  if (n === undefined) {
    ctx.report(diagnostic('loss-mismatch', 'error', lossSetting.value.range,
      `${loss.name} reads labels as class numbers (0, 1, 2, …), but ${targetWords(data, dataDecl)} (line ${lineOf(dataDecl.range)}) are not all whole numbers from 0 up: they are values to predict, for a regression loss such as meanSquaredError`));
    return;
  }
  const units = out.shape[out.shape.length - 1];
  if (typeof units !== 'number' || n <= units) return;
  const call = out.node?.kind === 'dense' ? ctx.nodeCalls.get(out.node) : undefined;
  const given = call && unitsArg(call);
  ctx.report(diagnostic('data-mismatch', 'error', decl.data.range,
    `${loss.name} reads dataset ${dataDecl.name.text}'s labels as class numbers, which go up to ${n - 1} (line ${lineOf(dataDecl.range)}), but model ${g.name}'s output has ${units} unit${units === 1 ? '' : 's'}${where}: each of the ${n} classes needs one`, {
      fixes: given ? [{ title: `Change units to ${n}`, edits: [{ range: given.value.range, newText: String(n) }], preferred: true }] : undefined,
      related: out.node ? [{ range: out.node.range, message: `the output's ${units} unit${units === 1 ? '' : 's'}` }] : undefined,
    }));
}

/**
 * A loss written as another framework's that takes logits: PyTorch's `CrossEntropyLoss`
 * (whose unknown-name error offers dlnet's name, not unasked), or Keras's
 * `SparseCategoricalCrossentropy(from_logits: true)`. A model written for it ends before
 * its softmax; dlnet's losses take the softmax's probabilities. So, once the model's output
 * is known, one fix does both unasked: the output layer gets the activation, and the loss
 * dlnet's name (or loses `from_logits`). Renamed alone, the loss would train on logits.
 */
function checkLogits(ctx: Context, decl: ast.TrainDecl, g: ModelGraph): void {
  const value = settingNamed(decl, 'loss')?.value;
  if (value?.kind !== 'call') return;
  const keras = fromLogits(value);
  const pytorch = logitsLoss(value.callee.text);
  const activation = pytorch ?? (keras ? (/binary/i.test(value.callee.text) ? 'sigmoid' : 'softmax') : undefined);
  const out = activation ? outputLayer(g) : undefined;
  if (!activation || !out?.node) return;
  const has = out.activation === activation;
  const fix = has ? undefined : outputActivationFix(ctx, g, out, activation);
  // Another framework's name becomes dlnet's; `(from_logits: true)` goes: dlnet's losses take no arguments.
  const dlnet = findLoss(value.callee.text) ? undefined : choiceAlias('loss', value.callee.text) ?? closest(value.callee.text, losses.map((l) => l.name));
  const unargued = keras && value.args?.length === 1;
  const edits = [
    ...(fix?.[0].edits ?? []),
    ...(dlnet ? [{ range: value.callee.range, newText: dlnet }] : []),
    ...(unargued ? [{ range: value.argsRange!, newText: '' }] : []),
  ];
  const said = keras ? `${value.callee.text} with from_logits` : value.callee.text;
  const framework = keras ? 'Keras' : 'PyTorch';
  const line = out.node ? ` (line ${lineOf(out.node.range)})` : '';
  const probabilities = `the ${activation}'s ${activation === 'softmax' ? 'probabilities' : 'probability'}`;
  const message = has
    ? `${said} takes the output before its ${activation} (logits) in ${framework}, where ${g.name}'s ${activation}${line} would be applied twice; dlnet's losses take ${probabilities}, as ${g.name} gives them`
    : `${said} takes ${g.name}'s output before its ${activation} (logits), as ${framework} writes a model for it; dlnet's losses take ${probabilities}, so the output layer${line} needs activation: ${activation}`;
  const what = [fix && `set activation: ${activation} on the output layer`, dlnet && `write the loss ${dlnet}`, unargued && 'drop from_logits'].filter(Boolean).join(', ').replace(/, ([^,]*)$/, ' and $1');
  // Where the output layer cannot take the activation here (it is in a block), renaming alone is only offered.
  ctx.report(diagnostic('loss-mismatch', 'warning', value.range, message, {
    fixes: edits.length ? [{ title: what[0].toUpperCase() + what.slice(1), edits, ...(has || fix ? { preferred: true } : {}) }] : undefined,
  }));
}

/**
 * Sets the activation of the output layer, where the model itself writes the layer (in a
 * block, other uses would change too) and the layer takes an activation. Not preferred:
 * the loss may be what is wrong.
 */
function outputActivationFix(ctx: Context, g: ModelGraph, out: Omit<OutputFacts, 'shape'>, activation: string): Fix[] | undefined {
  const call = out.node && writtenIn(ctx, ctx.model(g.name), out.node);
  if (!call || !findLayer(out.node!.kind)?.params.some((p) => p.name === 'activation')) return undefined;
  return [{ title: `Set activation: ${activation} on the output layer (line ${lineOf(call.range)})`, edits: [settingArgument(call, 'activation', activation)] }];
}

/** A dense call's units as written: named, or its first positional argument. */
const unitsArg = (call: ast.Call) => call.args?.find((a) => !a.name || a.name.text === 'units');

/**
 * A loss and, on the output layer, the units and activation it needs (binaryCrossentropy
 * and one sigmoid unit): the whole of the advice, where the output is a dense layer that
 * names its units and its activation.
 */
function outputFix(ctx: Context, out: OutputFacts, lossSetting: ast.Setting, loss: string, unitCount: number, activationName: 'sigmoid' | 'softmax'): Fix[] | undefined {
  const call = out.node?.kind === 'dense' ? ctx.nodeCalls.get(out.node) : undefined;
  const units = call && unitsArg(call);
  const activation = call?.args?.find((a) => a.name?.text === 'activation');
  if (!call || !units || !activation) return undefined;
  const output = unitCount === 1 ? `one ${activationName} unit` : `a ${activationName} over ${unitCount} units`;
  return [{
    title: `Use ${loss} with ${output} (line ${lineOf(call.range)})`,
    edits: [
      { range: lossSetting.value.range, newText: loss },
      { range: units.value.range, newText: String(unitCount) },
      { range: activation.value.range, newText: activationName },
    ],
    preferred: true,
  }];
}

function checkGan(ctx: Context, decl: ast.TrainDecl, gen: ModelGraph, disc: ModelGraph, data: DatasetShapes, dataDecl: ast.DatasetDecl): void {
  const genOut = outputFacts(gen);
  if (disc.inputs.length !== 1 || !genOut) return;
  const discOut = outputFacts(disc);
  if (swappedGan(ctx, decl, gen, genOut, discOut, data)) return;
  const discIn = disc.inputs[0];
  if (compareShapes(genOut.shape, discIn.shape) === 'differ') {
    ctx.report(diagnostic('data-mismatch', 'error', decl.versus!.range,
      `generator ${gen.name} outputs ${formatShape(genOut.shape)}, but discriminator ${disc.name} takes ${formatShape(discIn.shape)} (line ${lineOf(discIn.range)})`, {
        related: [{ range: discIn.range, message: `the discriminator's input ${formatShape(discIn.shape)}` }],
      }));
  }
  checkFeatures(ctx, decl.data.range, disc, data, dataDecl);
  if (discOut && (compareShapes(discOut.shape, [1]) === 'differ' || (discOut.activation && discOut.activation !== 'sigmoid'))) {
    ctx.report(diagnostic('loss-mismatch', 'error', decl.versus!.range,
      `discriminator ${disc.name} must output one sigmoid unit (the probability that its input is real), got ${formatShape(discOut.shape)} with activation ${discOut.activation ?? 'linear'}`, {
        fixes: compareShapes(discOut.shape, [1]) === 'equal' ? outputActivationFix(ctx, disc, discOut, 'sigmoid') : undefined,
        related: discOut.node ? [{ range: discOut.node.range, message: 'the discriminator output' }] : undefined,
      }));
  }
}

/**
 * `train D vs G on data`, the two the other way round: the first reads the data's points
 * and outputs one unit, the second makes points of the data's shape. Said once, with the
 * fix that swaps them, instead of the three mismatches that follow from it.
 */
function swappedGan(ctx: Context, decl: ast.TrainDecl, first: ModelGraph, firstOut: OutputFacts, secondOut: OutputFacts | undefined, data: DatasetShapes): boolean {
  const features = isShape(data.features) ? data.features : undefined;
  if (!features || !secondOut || first.inputs.length !== 1) return false;
  const judges = compareShapes(first.inputs[0].shape, features) !== 'differ' && compareShapes(firstOut.shape, [1]) === 'equal';
  const makes = compareShapes(secondOut.shape, features) !== 'differ' && compareShapes(secondOut.shape, [1]) !== 'equal';
  if (!judges || !makes) return false;
  const [g, d] = [decl.versus!.text, decl.model.text];
  ctx.report(diagnostic('data-mismatch', 'error', { start: decl.model.range.start, end: decl.versus!.range.end },
    `${d} reads the data's points and outputs one unit, and ${g} makes points of the data's shape ${formatShape(features)}: the generator comes first, train ${g} vs ${d}`, {
      fixes: [{ title: `Swap them: train ${g} vs ${d}`, edits: [{ range: decl.model.range, newText: g }, { range: decl.versus!.range, newText: d }], preferred: true }],
    }));
  return true;
}
