/**
 * Shape inference through models and blocks. A model body is a pipeline: each
 * statement takes the previous one's output. The walk expands blocks (checked at
 * each use with the arguments given), residuals and repeats into a graph of layer
 * instances, infers every shape, and reports what does not fit, with fixes.
 */
import { choiceAlias, findLayer, layerAlias, layerNames, type LayerDef, type LayerName, type ShapeError } from '../catalog';
import { byPosition, diagnostic, distinct, replaceWith, type Diagnostic, type Fix, type RelatedInformation } from '../diagnostics';
import { fitted } from '../fitted';
import type * as ast from '../syntax/ast';
import { comparePositions, contains, lineOf, type Range } from '../syntax/range';
import type { Context } from './context';
import type { InputNode, LayerNode, ModelGraph } from './graph';
import { compareShapes, equalOnlyIf, formatShape, mostKnown, type Shape } from './shape';
import { globalPoolingFromAdaptive, layerFromKerasActivation, layerRename } from './framework-habits';
import { inputFromKerasInput, inputFromShapeArgument } from './keras-inputs';
import { residualRepair } from './residual-fixes';
import { closest } from '../suggest';
import { bindArgs, evaluate, evaluateShape, paramsBefore, settingArgument, UNKNOWN, type ValueScope } from './values';

/** The errors of a model that has none: one list for all of them. */
const noErrors: readonly Diagnostic[] = Object.freeze([]);

/** A tensor flowing through the walk. `shape` undefined: unknown after an earlier error, so nothing downstream is checked. */
export interface Tensor {
  id: string;
  shape: Shape | undefined;
  /** The layer, block or input that made it (`describeOrigin` words it for messages, only when one is reported). */
  origin: string;
  /** The origin is a model input. */
  fromInput?: boolean;
  originRange: Range;
  /** The recurrent call that produced it, for the returnSequences fix. */
  originCall?: ast.Call;
}

const RESOLUTION_CODES = new Set(['unknown-layer', 'unknown-parameter', 'unknown-name', 'used-before-bound', 'duplicate-name', 'unused', 'syntax-error']);

/** A block's use being walked: what a report from inside the block adds as related information. */
interface BlockUse {
  block: ast.BlockDecl;
  related: () => RelatedInformation;
}

/** Where a body binds a name: the identifier and its statement. */
interface Binding {
  name: ast.Ident;
  stmt: ast.Stmt;
}

interface Frame {
  scope: Map<string, Tensor>;
  /** Every name bound anywhere in this body, for used-before-bound. */
  bindings: Map<string, Binding>;
  container: string;
  prefix: string;
  suffix: string;
  values: ValueScope;
  blockStack: string[];
  /** At top level of a model body: inputs and outputs are allowed. */
  modelLevel: boolean;
}

export class GraphBuilder {
  readonly inputs: InputNode[] = [];
  readonly layers: LayerNode[] = [];
  readonly outputs: string[] = [];
  private readonly ids = new Set<string>();
  readonly byId = new Map<string, LayerNode>();
  private readonly counters = new Map<string, number>();
  errors = 0;

  uniqueId(base: string): string {
    let id = base;
    for (let n = 2; this.ids.has(id); n++) id = `${base}_${n}`;
    this.ids.add(id);
    return id;
  }

  autoId(prefix: string, kind: string): string {
    const key = prefix + kind;
    let n = this.counters.get(key) ?? 0;
    let id: string;
    do id = `${prefix}${kind}_${++n}`;
    while (this.ids.has(id));
    this.counters.set(key, n);
    this.ids.add(id);
    return id;
  }
}

/** Calls one model's (or block's) walk may visit, blocks and repeats expanded: see `overBudget`. */
const MAX_WALKED = 20_000;

/** "`flatten` on line 4", "input `x` on line 2": where a tensor came from. */
function describeOrigin(t: Tensor): string {
  return `${t.fromInput ? 'input ' : ''}\`${t.origin}\` on line ${lineOf(t.originRange)}`;
}

/** What a step that failed passes on: nothing downstream is checked against it. */
const failed = (origin: string, range: Range): Tensor => ({ id: '', shape: undefined, origin, originRange: range });

export class ModelChecker {
  private graph = new GraphBuilder();
  /** The body being checked, its statement being walked, and how many calls the walk has visited. */
  private top: ast.Body | undefined;
  private topStatement: ast.Stmt | undefined;
  private walked = 0;
  private stopped = false;
  /** Unknown layers' guesses in this check (`layerGuess`). */
  private readonly guesses = new Map<string, string | undefined>();

  constructor(private readonly ctx: Context, private readonly globals: ValueScope) {}

  private begin(body: ast.Body): void {
    this.graph = new GraphBuilder();
    this.blockUses.clear();
    this.named.clear();
    this.guesses.clear();
    this.top = body;
    this.topStatement = undefined;
    this.walked = 0;
    this.stopped = false;
  }

  /**
   * Repeats and blocks multiply: `repeat 1000 { Deep }` where Deep repeats 1000 layers
   * is a million layers, and nested blocks that each use the next twice double at every
   * level. Past MAX_WALKED calls the walk stops, with one error at the statement of the
   * model (or block) where it got there, instead of keeping the editor busy for seconds.
   */
  private overBudget(): boolean {
    if (this.walked <= MAX_WALKED) return false;
    if (!this.stopped && this.topStatement) {
      this.stopped = true;
      this.ctx.report(diagnostic('invalid-argument', 'error', this.topStatement.range,
        `this expands to more than ${MAX_WALKED.toLocaleString('en')} layer and block uses (repeats and blocks multiply): the checker stops here`));
    }
    return true;
  }

  /** Checks one model and returns its graph. */
  checkModel(model: ast.ModelDecl): ModelGraph {
    this.begin(model.body);
    const errorsBefore = this.ctx.errors.length;
    const frame: Frame = {
      scope: new Map(), bindings: bindingsIn(model.body), container: model.name.text,
      prefix: '', suffix: '', values: this.reportingScope(this.globals, undefined), blockStack: [], modelLevel: true,
    };
    const last = this.walkBody(model.body, undefined, frame);
    if (this.graph.outputs.length === 0 && last) this.graph.outputs.push(last.id);
    if (this.graph.inputs.length === 0 && !model.body.stmts.some((st) => st.kind === 'input')) {
      this.ctx.report(diagnostic('invalid-shape', 'error', model.name.range, `model ${model.name.text} has no input: start its body with \`input name: [shape]\``));
    }
    this.reportUnusedTensors();
    const errors = this.ctx.errors.length > errorsBefore ? fitted(distinct(this.ctx.errors.slice(errorsBefore)).sort(byPosition)) : noErrors;
    const totals = this.graph.layers.map((l) => l.params);
    const g: ModelGraph = {
      name: model.name.text,
      range: model.range,
      nameRange: model.name.range,
      inputs: this.graph.inputs,
      outputs: this.graph.outputs,
      layers: this.graph.layers,
      totalParams: totals.some((p) => p === null) ? null : totals.reduce<number>((a, b) => a + (b as number), 0),
      ok: errors.length === 0 && this.graph.outputs.length > 0 && this.graph.inputs.length > 0,
      errors,
    };
    return g;
  }

  /** Checks a block on its own (names and arguments); shapes are checked at each use. */
  checkBlockAlone(block: ast.BlockDecl): void {
    this.begin(block.body);
    const params = new Map(block.params.map((p) => [p.name.text, p]));
    const values: ValueScope = {
      param: (name) => (params.has(name) ? 'unknown' : undefined),
      noteParam: (ident) => this.noteParamRef(block, ident),
      report: (d) => this.ctx.report(d),
      paramNames: paramNamesOf(block),
    };
    for (const p of block.params) this.ctx.define(p.name.text, 'param', p.name.range, p.range, block.name.text);
    block.params.forEach((p, i) => p.default && this.checkDefault(block, i, p.default));
    const frame: Frame = {
      scope: new Map(), bindings: bindingsIn(block.body), container: block.name.text,
      prefix: '', suffix: '', values, blockStack: [block.name.text], modelLevel: false,
    };
    const input: Tensor = { id: 'block_input', shape: undefined, origin: block.name.text, originRange: block.name.range };
    this.walkBody(block.body, input, frame);
  }

  /** The parameters a default names, each a reference; itself or one after it is an error (its value may depend on this one's). */
  private checkDefault(block: ast.BlockDecl, index: number, value: ast.Value): void {
    for (const ident of namesIn(value)) {
      const at = block.params.findIndex((q) => q.name.text === ident.text);
      if (at < 0) continue;
      // Referred to either way, so that a rename keeps the name the default was written with.
      this.noteParamRef(block, ident);
      if (at >= index) this.ctx.report(diagnostic('unknown-name', 'error', ident.range, `the default of '${block.params[index].name.text}' names '${ident.text}', ${at === index ? 'itself' : 'a parameter after it'}: a default may use only the parameters before it`));
    }
  }

  private noteParamRef(block: ast.BlockDecl, ident: ast.Ident): void {
    const p = block.params.find((q) => q.name.text === ident.text);
    if (!p) return;
    this.ctx.refer(p.name.text, 'param', p.name.range, p.range, block.name.text, ident.range);
  }

  /** A scope that reports straight to the context, adding the block use as related information. */
  private reportingScope(base: ValueScope, use: BlockUse | undefined): ValueScope {
    return {
      param: (name) => base.param(name),
      noteParam: base.noteParam,
      report: (d) => this.report(d, use),
      paramNames: base.paramNames,
    };
  }

  private report(d: Diagnostic, use: BlockUse | undefined): void {
    if (use && contains(use.block.range, d.range.start)) {
      if (RESOLUTION_CODES.has(d.code)) return this.ctx.repeat(d); // the block's own check reports it
      d.related = [...(d.related ?? []), use.related()];
    }
    this.ctx.report(d);
  }

  private walkBody(body: ast.Body, input: Tensor | undefined, frame: Frame): Tensor | undefined {
    let current = input;
    for (const stmt of body.stmts) {
      if (body === this.top) this.topStatement = stmt;
      if (stmt.kind === 'input') current = this.walkInput(stmt, frame) ?? current;
      else if (stmt.kind === 'output') this.walkOutput(stmt, frame);
      else {
        current = this.walkChain(stmt, current, frame);
        if (stmt.target && current) this.bind(stmt.target, stmt, current, frame);
        this.ctx.noteStatement(stmt, current?.shape);
      }
    }
    return current;
  }

  /** Model-level names and the tensors they bind, for the unused lint. */
  private bound: { name: ast.Ident; id: string }[] = [];

  /** Tensors a statement took by name, whether or not that statement checked: one with an error still uses them. */
  private named = new Set<string>();

  private reportUnusedTensors(): void {
    const consumed = new Set<string>(this.graph.outputs);
    for (const l of this.graph.layers) for (const i of l.inputs) consumed.add(i);
    for (const id of this.named) consumed.add(id);
    for (const { name, id } of this.bound) {
      if (id && !consumed.has(id)) {
        this.ctx.report(diagnostic('unused', 'hint', name.range, `\`${name.text}\` is never used: nothing takes it as input and it is not an output`, { unnecessary: true }));
      }
    }
    this.bound = [];
  }

  private bind(name: ast.Ident, stmt: ast.Stmt, tensor: Tensor, frame: Frame): void {
    frame.scope.set(name.text, tensor);
    if (frame.modelLevel && !frame.suffix) this.bound.push({ name, id: tensor.id });
    this.ctx.define(name.text, 'tensor', name.range, stmt.range, frame.container, tensor.shape);
    const node = this.graph.byId.get(tensor.id);
    if (node) node.named = true;
  }

  private walkInput(stmt: ast.InputStmt, frame: Frame): Tensor | undefined {
    if (!frame.modelLevel) {
      frame.values.report(diagnostic('syntax-error', 'error', stmt.keyword, '`input` belongs at the top of a model body; a block takes its input from where it is used'));
      return undefined;
    }
    const shape = evaluateShape(stmt.shape, frame.values, 'input', false);
    // A shape the parser stood in for (empty range, after a syntax error there) is no `[]`: the syntax error says it.
    const written = comparePositions(stmt.shape.range.start, stmt.shape.range.end) < 0;
    if (shape !== undefined && shape !== UNKNOWN && shape.length === 0 && written) {
      frame.values.report(diagnostic('invalid-shape', 'error', stmt.shape.range, 'an input needs at least one axis, such as [2]'));
    }
    let dtype: 'float32' | 'int32' = 'float32';
    if (stmt.dtype) {
      if (stmt.dtype.text === 'int32' || stmt.dtype.text === 'float32') dtype = stmt.dtype.text;
      else {
        const meant = choiceAlias('dtype', stmt.dtype.text) ?? closest(stmt.dtype.text, ['float32', 'int32']);
        frame.values.report(diagnostic('invalid-argument', 'error', stmt.dtype.range, `input types are float32 and int32, got '${stmt.dtype.text}'${meant ? `; did you mean '${meant}'?` : ''}`, { fixes: replaceWith(stmt.dtype.range, meant) }));
      }
    }
    const name = stmt.name?.text ?? 'input';
    const id = this.graph.uniqueId(name);
    const ok = shape !== undefined && shape !== UNKNOWN && shape.length > 0;
    if (ok) this.graph.inputs.push({ id, kind: 'input', shape, dtype, range: stmt.range });
    const tensor: Tensor = { id, shape: ok ? shape : undefined, origin: name, fromInput: true, originRange: stmt.range };
    if (stmt.name) {
      frame.scope.set(name, tensor);
      this.ctx.define(name, 'tensor', stmt.name.range, stmt.range, frame.container, tensor.shape, true);
    }
    this.ctx.noteStatement(stmt, tensor.shape);
    return tensor;
  }

  private walkOutput(stmt: ast.OutputStmt, frame: Frame): void {
    if (!frame.modelLevel) {
      frame.values.report(diagnostic('syntax-error', 'error', stmt.keyword, '`output` belongs in a model body; a block outputs its last statement'));
      return;
    }
    for (const name of stmt.names) {
      const t = this.lookupTensor(name, frame);
      if (t) this.graph.outputs.push(t.id);
    }
  }

  /** Resolves a tensor name, reporting unknown and used-before-bound names. */
  private lookupTensor(name: ast.Ident, frame: Frame): Tensor | undefined {
    const { tensor, later } = this.referTo(name, frame);
    if (tensor) {
      this.named.add(tensor.id);
      return tensor;
    }
    if (later) {
      frame.values.report(diagnostic('used-before-bound', 'error', name.range, `\`${name.text}\` is used before it is bound on line ${lineOf(later.name.range)}`, {
        related: [{ range: later.name.range, message: `\`${name.text}\` is bound here` }],
      }));
    } else if (this.inputless(frame)) {
      this.reportNoSuchInput(name, frame);
    } else if (name.text !== '') {
      const guess = closest(name.text, frame.scope.keys());
      frame.values.report(diagnostic('unknown-name', 'error', name.range, `no tensor named \`${name.text}\` in ${frame.container}${guess ? `; did you mean \`${guess}\`?` : ''}`, {
        fixes: replaceWith(name.range, guess),
      }));
    }
    return undefined;
  }

  /** A model's body that declares no input (PyTorch's, pasted): a name it does not bind is likelier its input than a misspelling. */
  private inputless(frame: Frame): boolean {
    return frame.modelLevel && this.graph.inputs.length === 0;
  }

  private reportNoSuchInput(name: ast.Ident, frame: Frame): void {
    if (name.text === '') return;
    frame.values.report(diagnostic('unknown-name', 'error', name.range, `no tensor named \`${name.text}\` in ${frame.container}, which declares no input; if it is the input, declare it first: \`input ${name.text}: [shape]\``));
  }

  /**
   * What a tensor name refers to, recorded as a reference (for rename and references) even
   * where its use is an error: the tensor bound above, or the binding further down.
   */
  private referTo(name: ast.Ident, frame: Frame): { tensor?: Tensor; later?: Binding } {
    const tensor = frame.scope.get(name.text);
    if (tensor) {
      this.ctx.referTensor(name.text, frame.container, name.range);
      return { tensor };
    }
    const later = frame.bindings.get(name.text);
    if (later) this.ctx.refer(name.text, 'tensor', later.name.range, later.stmt.range, frame.container, name.range);
    return { later };
  }

  private walkChain(stmt: ast.ChainStmt, input: Tensor | undefined, frame: Frame): Tensor | undefined {
    let current = input;
    const steps = stmt.steps;
    const keras = frame.modelLevel ? this.kerasInput(stmt, frame) : undefined;
    if (keras) return this.walkInput(keras, frame);
    for (let i = 0; i < steps.length; i++) {
      const step = steps[i];
      const name = i === steps.length - 1 ? stmt.target?.text : undefined;
      if (step.kind === 'call') current = this.walkCall(step, current, frame, i === 0, name);
      else if (step.kind === 'residual') current = this.walkResidual(step, current, frame);
      else current = this.walkRepeat(step, current, frame);
    }
    // `MultiHeadAttention(...)(x, x)`: x read again, a use that rename and references must find.
    for (const name of stmt.readsAgain ?? []) this.referTo(name, frame);
    return current;
  }

  /**
   * `x = Input(shape: [28, 28, 1])`, as Keras declares an input: said, with the fix that
   * writes the dlnet input, and read as that input (its name bound by the statement), so
   * the rest of the model is checked.
   */
  private kerasInput(stmt: ast.ChainStmt, frame: Frame): ast.InputStmt | undefined {
    const [call] = stmt.steps;
    if (stmt.steps.length !== 1 || call.kind !== 'call') return undefined;
    const input = inputFromKerasInput(stmt, call, (n) => frame.bindings.has(n) && n !== stmt.target?.text);
    if (!input || this.ctx.block(call.callee.text) || frame.scope.has(call.callee.text)) return undefined;
    frame.values.report(diagnostic('unknown-layer', 'error', call.callee.range, `\`${call.callee.text}\` is how Keras declares an input; dlnet writes \`${input.declaration}\``, { fixes: [input.fix] }));
    return input.stmt;
  }

  private walkCall(call: ast.Call, current: Tensor | undefined, frame: Frame, atStart: boolean, name: string | undefined): Tensor | undefined {
    const callee = call.callee.text;
    if (callee === '') return undefined; // a parse error already said so
    this.walked++;
    if (this.overBudget()) return undefined;
    if (!call.args && (frame.scope.has(callee) || frame.bindings.has(callee)) && !findLayer(callee) && !this.ctx.block(callee)) {
      if (!atStart) {
        frame.values.report(diagnostic('invalid-argument', 'error', call.range, `a tensor name can only start a chain (\`${callee} -> ...\`); to combine tensors use a merge layer such as add(a, b)`));
        this.referTo(call.callee, frame); // still a use of that tensor: rename and references must find it
        return undefined;
      }
      const t = this.lookupTensor(call.callee, frame);
      this.ctx.noteStep(call, { inputs: [], output: t?.shape, tensor: true });
      return t;
    }
    const block = this.ctx.block(callee);
    if (block) {
      this.ctx.use('block', callee);
      this.ctx.refer(block.name.text, 'block', block.name.range, block.range, undefined, call.callee.range);
      return this.useBlock(block, call, current, frame, name);
    }
    const def = findLayer(callee);
    if (def) return this.applyLayer(def, call, current, frame, atStart, name);
    const activation = layerFromKerasActivation(call);
    if (activation) {
      frame.values.report(diagnostic('unknown-layer', 'error', call.callee.range,
        `\`${callee}(...)\` is how Keras applies an activation; dlnet writes the activation as a layer of its own: \`${activation.layer}\``, { fixes: [activation.fix] }));
      return current; // an activation keeps its input's shape: the rest of the model is checked
    }
    const pooling = globalPoolingFromAdaptive(call);
    if (pooling) {
      frame.values.report(diagnostic('unknown-layer', 'error', call.callee.range,
        `\`${callee}\` with output size 1 pools each channel to one value, as dlnet's \`${pooling.layer}\` does (which gives [channels], ready for dense)`, { fixes: [pooling.fix] }));
      return undefined;
    }
    const guess = this.layerGuess(callee, frame);
    if (!call.args && atStart && this.inputless(frame) && (guess === undefined || frame.scope.has(guess))) {
      this.reportNoSuchInput(call.callee, frame);
      return undefined;
    }
    frame.values.report(diagnostic('unknown-layer', 'error', call.callee.range,
      `unknown layer '${callee}'${guess ? `; did you mean '${guess}'?` : ''} (not a layer, block or tensor of ${frame.container})`, {
        fixes: layerRename(call, guess),
      }));
    return undefined;
  }

  /**
   * "Did you mean" for an unknown layer, worked out once per name and tensors in scope
   * for the length of one model's check: a broken block used thousands of times (through
   * blocks that use blocks) would otherwise compare every use with every layer name.
   */
  private layerGuess(callee: string, frame: Frame): string | undefined {
    const tensors = [...frame.scope.keys()];
    const key = tensors.length ? `${callee}\0${tensors.join('\0')}` : callee;
    if (this.guesses.has(key)) return this.guesses.get(key);
    const guess = layerAlias(callee) ?? closest(callee, [...layerNames, ...this.ctx.names('block'), ...tensors]);
    this.guesses.set(key, guess);
    return guess;
  }

  private applyLayer(def: LayerDef, call: ast.Call, current: Tensor | undefined, frame: Frame, atStart: boolean, name: string | undefined): Tensor | undefined {
    const bound = bindArgs(def.name, def.params, call, frame.values);
    let inputs: (Tensor | undefined)[];
    if (def.inputs === 'merge') {
      const merged = bound ? bound.tensors.map((t) => this.lookupTensor(t, frame)) : [];
      inputs = atStart ? merged : [current, ...merged];
    } else {
      if (!current && frame.modelLevel && !this.graph.inputs.length && this.graph.layers.length === 0) {
        frame.values.report(diagnostic('invalid-shape', 'error', call.callee.range, `${def.name} has no input: declare one first, such as \`${inputFor(def)}\``, {
          fixes: inputFromShapeArgument(call, (n) => frame.bindings.has(n), this.ctx.lineBreak),
        }));
      }
      inputs = [current];
    }
    // The input shapes, and whether every one is known (with arguments that are).
    let ins: Shape[] = [];
    let complete = !!bound && !bound.unknown;
    for (const t of inputs) {
      if (t?.shape) ins.push(t.shape);
      else complete = false;
    }
    ins = fitted(ins);
    if (!bound || !complete) {
      this.ctx.noteStep(call, { inputs: ins, layer: def, args: bound?.args });
      return failed(def.name, call.range);
    }
    const applied = { inputs: ins, args: bound.args };
    const out = def.outputShape(applied);
    if (!Array.isArray(out)) {
      this.reportShapeError(def, call, out, inputs as Tensor[], frame);
      this.ctx.noteStep(call, { inputs: ins, layer: def, args: bound.args });
      return failed(def.name, call.range);
    }
    if (def.sameShapeInputs) {
      for (let i = 1; i < inputs.length; i++) {
        const [a, b] = [inputs[0] as Tensor, inputs[i] as Tensor];
        this.warnEqualOnlyIf(call.range, a, b, `${def.name} needs tensors of one shape, got ${formatShape(a.shape!)} and ${formatShape(b.shape!)}`, frame);
      }
    }
    const params = def.paramCount(applied);
    const id = name ? this.graph.uniqueId(frame.prefix + name + frame.suffix) : this.graph.autoId(frame.prefix, def.name);
    this.addNode({
      id, kind: def.name as LayerName, args: bound.args, inputs: (inputs as Tensor[]).map((t) => t.id),
      outputShape: out, params, range: call.range, named: false,
    }, call);
    this.ctx.noteStep(call, { inputs: ins, output: out, params, layer: def, args: bound.args });
    return {
      id, shape: out, origin: name ?? def.name, originRange: call.range,
      originCall: def.family === 'recurrent' ? call : undefined,
    };
  }

  /**
   * Warns when two tensors that must have one shape have it only for some values of their
   * symbolic sizes (`equalOnlyIf`): the model then runs on some data and fails on the rest.
   */
  private warnEqualOnlyIf(range: Range, a: Tensor, b: Tensor, words: string, frame: Frame): void {
    const conditions = equalOnlyIf(a.shape!, b.shape!);
    if (!conditions) return;
    const related = [a, b].map((t) => ({ range: t.originRange, message: `${formatShape(t.shape!)} comes from here` }));
    frame.values.report(diagnostic('shape-mismatch', 'warning', range, `${words}: they are equal only if ${conditions.join(' and ')}, which the data decides`, { related }));
  }

  private addNode(node: LayerNode, call?: ast.Call): void {
    this.graph.layers.push(node);
    this.graph.byId.set(node.id, node);
    if (call) this.ctx.noteNodeCall(node, call);
  }

  private reportShapeError(def: LayerDef, call: ast.Call, err: ShapeError, inputs: Tensor[], frame: Frame): void {
    const from = inputs.length === 1 ? ` (from ${describeOrigin(inputs[0])})` : '';
    const got = inputs.map((t) => formatShape(t.shape!)).join(' and ');
    const message = err.expected ? `${def.name} expects ${err.expected}, got ${got}${from}` : `${err.message}${from}`;
    const fixes: Fix[] = [];
    if (err.hint?.kind === 'insert-before') {
      fixes.push({ title: err.hint.title, edits: [{ range: { start: call.range.start, end: call.range.start }, newText: `${err.hint.text} -> ` }], preferred: true });
    } else if (err.hint?.kind === 'return-sequences' && inputs[0]?.originCall) {
      fixes.push(returnSequencesFix(inputs[0].originCall));
    } else if (err.hint?.kind === 'set-argument') {
      fixes.push({ title: err.hint.title, edits: [settingArgument(call, err.hint.name, err.hint.text)], ...(err.hint.certain && { preferred: true }) });
    }
    const related = inputs.length === 1 ? [{ range: inputs[0].originRange, message: `the input ${formatShape(inputs[0].shape!)} comes from here` }] : undefined;
    frame.values.report(diagnostic(err.code, 'error', call.range, message, { fixes: fixes.length ? fixes : undefined, related }));
  }

  private useBlock(block: ast.BlockDecl, call: ast.Call, current: Tensor | undefined, frame: Frame, name: string | undefined): Tensor | undefined {
    if (frame.blockStack.includes(block.name.text)) {
      frame.values.report(diagnostic('invalid-argument', 'error', call.callee.range, `block ${block.name.text} uses itself (through ${frame.blockStack.join(' → ')})`));
      return undefined;
    }
    const given = new Map<string, { value: ast.Value; scope: ValueScope }>();
    // The use's scope, made below: a default worked out from the parameters before it reports as the use does.
    let values: ValueScope | undefined;
    let ok = true;
    let position = 0;
    for (const arg of call.args ?? []) {
      if (!arg.value) continue;
      const p = arg.name ? block.params.find((q) => q.name.text === arg.name!.text) : block.params[position++];
      if (!p) {
        if (arg.name) {
          const guess = closest(arg.name.text, block.params.map((q) => q.name.text));
          frame.values.report(diagnostic('unknown-parameter', 'error', arg.name.range, `block ${block.name.text} has no parameter '${arg.name.text}'${guess ? `; did you mean '${guess}'?` : ` (it takes ${block.params.map((q) => q.name.text).join(', ') || 'none'})`}`, {
            fixes: replaceWith(arg.name.range, guess),
          }));
        } else {
          frame.values.report(diagnostic('invalid-argument', 'error', arg.range, `block ${block.name.text} takes ${block.params.length} argument${block.params.length === 1 ? '' : 's'}, got more`));
        }
        ok = false;
        continue;
      }
      if (given.has(p.name.text)) {
        frame.values.report(diagnostic('invalid-argument', 'error', arg.range, `block ${block.name.text} '${p.name.text}' is given twice`));
        ok = false;
        continue;
      }
      if (arg.name) this.noteParamRef(block, arg.name);
      given.set(p.name.text, { value: arg.value, scope: frame.values });
    }
    for (const [i, p] of block.params.entries()) {
      if (given.has(p.name.text)) continue;
      if (p.default) given.set(p.name.text, { value: p.default, scope: literal(p.default) ? this.globals : this.defaultScope(block, i, given, (d) => values!.report(d)) });
      else {
        frame.values.report(diagnostic('invalid-argument', 'error', call.argsRange ?? call.callee.range, `block ${block.name.text} needs '${p.name.text}'`));
        ok = false;
      }
    }
    if (!ok) return undefined;
    const instance = name ?? `${block.name.text}_${this.blockCount(block.name.text)}`;
    // Worded only for a report: the line it names would make every use depend on where it is.
    const related = (): RelatedInformation => ({ range: call.range, message: `in ${block.name.text}(...) used in ${frame.container} on line ${lineOf(call.range)}${current?.shape ? ` with input ${formatShape(current.shape)}` : ''}` });
    const use = { block, related };
    values = this.reportingScope({ param: (n) => given.get(n), noteParam: (ident) => this.noteParamRef(block, ident), report: () => {}, paramNames: paramNamesOf(block) }, use);
    const inner: Frame = {
      scope: new Map(), bindings: bindingsIn(block.body), container: block.name.text,
      prefix: `${frame.prefix}${instance}_`, suffix: '', values, blockStack: [...frame.blockStack, block.name.text], modelLevel: false,
    };
    const before = this.graph.layers.length;
    const out = this.walkBody(block.body, current, inner);
    const created = this.graph.layers.slice(before).map((l) => l.params);
    const params = created.some((p) => p === null) ? null : created.reduce<number>((a, b) => a + (b as number), 0);
    this.ctx.noteStep(call, { inputs: current?.shape ? [current.shape] : [], output: out?.shape, params, block });
    if (!out) return undefined;
    // Spelt out, not spread: object spread is a slow path in V8, and this runs at every block use.
    return { id: out.id, shape: out.shape, origin: name ?? block.name.text, originRange: call.range };
  }

  /**
   * Where the default of a block's `index`-th parameter is worked out: the parameters before
   * it stand for their values at this use (`out = filters * 4`); one after it has no value
   * here (checkBlockAlone says so once).
   */
  private defaultScope(block: ast.BlockDecl, index: number, given: Map<string, { value: ast.Value; scope: ValueScope }>, report: (d: Diagnostic) => void): ValueScope {
    return { param: paramsBefore(block, index, given), noteParam: (ident) => this.noteParamRef(block, ident), report };
  }

  private blockUses = new Map<string, number>();
  private blockCount(name: string): number {
    const n = (this.blockUses.get(name) ?? 0) + 1;
    this.blockUses.set(name, n);
    return n;
  }

  private walkResidual(res: ast.Residual, current: Tensor | undefined, frame: Frame): Tensor | undefined {
    const body = this.walkBody(res.body, current, frame);
    const shortcut = res.shortcut ? this.walkBody(res.shortcut, current, frame) : current;
    const info = { inputs: current?.shape ? [current.shape] : [] };
    if (!body?.shape || !shortcut?.shape || !current?.shape) {
      this.ctx.noteStep(res, info);
      return body?.shape && shortcut?.shape ? undefined : failed('residual', res.keyword);
    }
    const words = `residual adds ${res.shortcut ? 'its shortcut\'s output' : 'its input'} ${formatShape(shortcut.shape)} to its body's output ${formatShape(body.shape)}`;
    if (compareShapes(body.shape, shortcut.shape) === 'differ') {
      const repair = res.shortcut ? undefined : residualRepair(res, current.shape, body.shape, this.ctx.steps);
      frame.values.report(diagnostic('shape-mismatch', 'error', res.keyword,
        `${words}: the shapes must be equal${repair ? `; ${repair.advice}` : ''}`, {
          fixes: repair?.fixes,
          related: [{ range: body.originRange, message: `the body's output ${formatShape(body.shape)} comes from here` }],
        }));
      this.ctx.noteStep(res, info);
      return failed('residual', res.keyword);
    }
    this.warnEqualOnlyIf(res.keyword, shortcut, body, words, frame);
    const id = this.graph.autoId(frame.prefix, 'add');
    const shape = mostKnown([body.shape, shortcut.shape]);
    this.addNode({ id, kind: 'add', args: {}, inputs: [body.id, shortcut.id], outputShape: shape, params: 0, range: res.keyword, named: false, residual: true });
    this.ctx.noteStep(res, { inputs: info.inputs, output: shape, params: 0 });
    return { id, shape, origin: 'residual', originRange: res.keyword };
  }

  private walkRepeat(rep: ast.Repeat, current: Tensor | undefined, frame: Frame): Tensor | undefined {
    const count = evaluate(rep.count, { kind: 'int', min: 1, max: 1000 }, frame.values, 'repeat');
    if (count === undefined || count === UNKNOWN) {
      this.walkBody(rep.body, current, frame);
      return failed('repeat', rep.keyword);
    }
    let t = current;
    const start = current?.shape;
    for (let i = 0; i < (count as number) && !this.overBudget(); i++) {
      t = this.walkBody(rep.body, t, withSuffix(frame, `${frame.suffix}_${i + 1}`));
    }
    this.ctx.noteStep(rep, { inputs: start ? [start] : [], output: t?.shape });
    return t;
  }
}

/** A frame for one round of a repeat: the same in all but the suffix of its layers' names (spelt out: object spread is a slow path in V8). */
function withSuffix(f: Frame, suffix: string): Frame {
  return { scope: f.scope, bindings: f.bindings, container: f.container, prefix: f.prefix, suffix, values: f.values, blockStack: f.blockStack, modelLevel: f.modelLevel };
}

/** Bindings by body: a tree does not change after parsing, and a block's body is walked at every use. */
const bindingsOf = new WeakMap<ast.Body, Map<string, Binding>>();

/** Every name bound in a body (recursively), first binding wins; the map is shared, so never changed. */
function bindingsIn(body: ast.Body): Map<string, Binding> {
  let bindings = bindingsOf.get(body);
  if (!bindings) bindingsOf.set(body, (bindings = collectBindings(body)));
  return bindings;
}

/** The bare names in a value (`filters` in `filters * 4`), which may stand for block parameters. */
function namesIn(v: ast.Value): ast.Ident[] {
  switch (v.kind) {
    case 'call': return v.args ? v.args.flatMap((a) => namesIn(a.value)) : [v.callee];
    case 'arith': return [...namesIn(v.left), ...namesIn(v.right)];
    case 'list': return v.items.flatMap(namesIn);
    default: return [];
  }
}

/** A default that names nothing: worked out where the block is declared, the same at every use. */
const literal = (v: ast.Value): boolean => v.kind === 'number' || v.kind === 'string' || v.kind === 'bool';

const paramNames = new WeakMap<ast.BlockDecl, string[]>();
/** A block's parameter names, for "did you mean": once per block, not at every use. */
function paramNamesOf(block: ast.BlockDecl): string[] {
  let names = paramNames.get(block);
  if (!names) paramNames.set(block, (names = block.params.map((p) => p.name.text)));
  return names;
}

function collectBindings(body: ast.Body, out = new Map<string, Binding>()): Map<string, Binding> {
  for (const stmt of body.stmts) {
    if (stmt.kind === 'input' && stmt.name && !out.has(stmt.name.text)) out.set(stmt.name.text, { name: stmt.name, stmt });
    if (stmt.kind !== 'chain') continue;
    for (const step of stmt.steps) {
      if (step.kind === 'residual') {
        collectBindings(step.body, out);
        if (step.shortcut) collectBindings(step.shortcut, out);
      } else if (step.kind === 'repeat') collectBindings(step.body, out);
    }
    if (stmt.target && !out.has(stmt.target.text)) out.set(stmt.target.text, { name: stmt.target, stmt });
  }
  return out;
}

function returnSequencesFix(call: ast.Call): Fix {
  return { title: 'Set returnSequences: true on the recurrent layer before', edits: [settingArgument(call, 'returnSequences', 'true')], preferred: true };
}

/** An input a layer reads, for the message of one with none: token ids for an embedding, a sequence or an image for the layers of those. */
function inputFor(def: LayerDef): string {
  if (def.name === 'embedding') return 'input ids: [T] int32';
  if (def.family === 'recurrent' || def.family === 'attention' || ((def.family === 'convolution' || def.family === 'pooling') && def.name.endsWith('1d'))) return 'input seq: [T, 8]';
  if (def.family === 'convolution' || def.family === 'pooling') return 'input image: [28, 28, 1]';
  return 'input x: [2]';
}
