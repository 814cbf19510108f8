/** What one analysis accumulates, shared by the passes that fill it. */
import type { Args, DatasetShapes, FileHost, LayerDef } from '../catalog';
import { diagnosticKey, type Diagnostic } from '../diagnostics';
import { fitted } from '../fitted';
import type * as ast from '../syntax/ast';
import { lineBreakOf, LineIndex, readLinesWith, type Position, type Range } from '../syntax/range';
import type { InputNode, LayerNode, ModelGraph } from './graph';
import type { Shape } from './shape';
import { SymbolTable, type SymbolKind } from './symbols';

/** What the checker learnt about one step of a chain: hover and signature help read it. */
export interface StepInfo {
  inputs: Shape[];
  output?: Shape;
  params?: number | null;
  layer?: LayerDef;
  block?: ast.BlockDecl;
  args?: Args;
  /** The step names a tensor rather than applying a layer. */
  tensor?: boolean;
}

export interface DatasetInfo {
  decl: ast.DatasetDecl;
  shapes?: DatasetShapes;
  /** The source's arguments, bound and defaulted: what the runtime generates from. */
  args?: Args;
}

/**
 * What a check did to the context, and what it read of it: kept with the declaration it
 * checked, so that the next analysis of an unchanged declaration replays the effects
 * instead of checking again (as rust-analyzer's queries remember their results).
 */
export interface Recording {
  /** Opcodes, each followed by its operands: one flat array, no object per effect. */
  effects: unknown[];
  /**
   * What the check looked up by name, as triples (table, name, what it found): a replay
   * needs every lookup to find the same now. The `names` table stands for all names of a
   * kind (a "did you mean" that listed them); the `line` table for the line of a position
   * that went into a message or a new position (positions move when lines are added above).
   */
  reads: unknown[];
  /** It read something that cannot be compared later (a data file): never replayed. */
  volatile?: boolean;
}

/** The analysis's tables that a check can look up by name. */
type Table = 'block' | 'model' | 'graph' | 'dataset' | 'shapes' | 'names' | 'line' | 'trainOn' | 'python';
type Named = 'block' | 'model' | 'dataset';

/** The train statement trains on, or validates on, the dataset of this name. */
function trainsOn(train: ast.TrainDecl, dataset: string): boolean {
  return train.data.text === dataset || train.settings.some((s) => s.key.text === 'validation' && s.value?.kind === 'call' && s.value.callee.text === dataset);
}

const REPORT = 0, REPEAT = 1, STEP = 2, STATEMENT = 3, DEFINE = 4, REFER = 5, REFER_TENSOR = 6, NODE_CALL = 7, USE = 8;

export class Context {
  readonly diagnostics: Diagnostic[] = [];
  /**
   * Every error reported so far, repeats included: a model or train statement looks at
   * what its own check added. Repeats count because a block's error is reported once
   * for the first model that uses it, yet every model that uses it is broken.
   */
  readonly errors: Diagnostic[] = [];
  private readonly reported = new Set<string>();
  readonly symbols = new SymbolTable();
  readonly models = new Map<string, ast.ModelDecl>();
  readonly blocks = new Map<string, ast.BlockDecl>();
  readonly datasets = new Map<string, DatasetInfo>();
  readonly steps = new Map<ast.Step, StepInfo>();
  readonly statementShapes = new Map<ast.Stmt, Shape>();
  readonly graphs = new Map<string, ModelGraph>();
  /** The call each layer node came from (many nodes share one call inside blocks and repeats). */
  readonly nodeCalls = new Map<LayerNode, ast.Call>();
  /** Models, blocks and datasets that something refers to (for the unused lint), a set per kind. */
  private readonly used = { model: new Set<string>(), block: new Set<string>(), dataset: new Set<string>() };
  private recording: Recording | undefined;
  /** Every name of a kind, joined: what a `names` read found. */
  private readonly namesKeys = new Map<Named, string>();

  /** The file's line break, for fixes that add lines. */
  readonly lineBreak: string;
  private lines: LineIndex | undefined;

  /**
   * @param text the file's text, which `file` is the tree of.
   * @param host reads the data files (a validation table is read again, like the table trained on).
   */
  constructor(readonly file: ast.SourceFile, private readonly text = '', readonly host?: FileHost) {
    this.lineBreak = lineBreakOf(text);
  }

  /**
   * The text a range of the file covers, for a fix that moves code (a text edit can only
   * write it anew). The same tree is the same text, so a recorded check may replay it.
   */
  written(r: Range): string {
    const lines = (this.lines ??= new LineIndex(this.text));
    return this.text.slice(lines.offset(r.start), lines.offset(r.end));
  }

  /** Reports each diagnostic once: blocks and repeats are walked many times. */
  report(d: Diagnostic): void {
    this.recording?.effects.push(REPORT, d);
    if (d.severity === 'error') this.errors.push(d);
    const key = diagnosticKey(d);
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push(d);
  }

  /** An error that another check reports (a block's own), which breaks this check too. */
  repeat(d: Diagnostic): void {
    this.recording?.effects.push(REPEAT, d);
    if (d.severity === 'error') this.errors.push(d);
  }

  /** Records step facts from the first walk that knows them. */
  noteStep(step: ast.Step, info: StepInfo): void {
    this.recording?.effects.push(STEP, step, info);
    const old = this.steps.get(step);
    if (!old || (old.output === undefined && info.output !== undefined)) this.steps.set(step, info);
  }

  noteStatement(stmt: ast.Stmt, shape: Shape | undefined): void {
    if (!shape) return;
    this.recording?.effects.push(STATEMENT, stmt, shape);
    if (!this.statementShapes.has(stmt)) this.statementShapes.set(stmt, shape);
  }

  /** Defines a symbol (once per declaring identifier); `shape` is kept unless an earlier walk gave one, or `replaceShape`. */
  define(name: string, kind: SymbolKind, nameRange: Range, declRange: Range, container?: string, shape?: Shape, replaceShape = false): void {
    this.recording?.effects.push(DEFINE, name, kind, nameRange, declRange, container, shape, replaceShape);
    const symbol = this.symbols.define(name, kind, nameRange, declRange, container);
    if (replaceShape) symbol.shape = shape;
    else symbol.shape ??= shape;
  }

  /** A reference at `at` to the symbol that `nameRange` declares (defined here if no walk has yet). */
  refer(name: string, kind: SymbolKind, nameRange: Range, declRange: Range, container: string | undefined, at: Range): void {
    this.recording?.effects.push(REFER, name, kind, nameRange, declRange, container, at);
    this.symbols.reference(this.symbols.define(name, kind, nameRange, declRange, container), at);
  }

  /** A reference at `at` to a tensor bound earlier in `container`. */
  referTensor(name: string, container: string, at: Range): void {
    this.recording?.effects.push(REFER_TENSOR, name, container, at);
    const symbol = this.symbols.find('tensor', name, container);
    if (symbol) this.symbols.reference(symbol, at);
  }

  noteNodeCall(node: LayerNode, call: ast.Call): void {
    this.recording?.effects.push(NODE_CALL, node, call);
    this.nodeCalls.set(node, call);
  }

  /** Marks a model, block or dataset as used. */
  use(kind: Named, name: string): void {
    this.recording?.effects.push(USE, kind, name);
    this.used[kind].add(name);
  }

  isUsed(kind: Named, name: string): boolean {
    return this.used[kind].has(name);
  }

  /** Models written in Python that only a fix declares in dlnet (a PyTorch class), by name: where the Python says them. */
  readonly pythonModels = new Map<string, Range>();

  /** Where Python code says a model of this name that is not yet declared in dlnet; the running check now depends on that line. */
  pythonModel(name: string): Range | undefined {
    this.read('python', name);
    return this.pythonModels.get(name);
  }

  /** The block declared under a name; the running check now depends on that. */
  block(name: string): ast.BlockDecl | undefined {
    return this.read('block', name) as ast.BlockDecl | undefined;
  }

  model(name: string): ast.ModelDecl | undefined {
    return this.read('model', name) as ast.ModelDecl | undefined;
  }

  /** The statement that declares an input of a model (none where Python code or Keras's Input() stands for it). */
  inputStatement(g: ModelGraph, input: InputNode): ast.InputStmt | undefined {
    return this.model(g.name)?.body.stmts.find((s): s is ast.InputStmt => s.kind === 'input' && s.range === input.range);
  }

  graph(name: string): ModelGraph | undefined {
    return this.read('graph', name) as ModelGraph | undefined;
  }

  /** A dataset's declaration and shapes (the check depends on both). */
  dataset(name: string): DatasetInfo | undefined {
    this.read('dataset', name);
    this.read('shapes', name);
    return this.datasets.get(name);
  }

  /** The first train statement that trains or validates on the dataset of this name; the running check now depends on which. */
  firstTrainOn(dataset: string): ast.TrainDecl | undefined {
    return this.read('trainOn', dataset) as ast.TrainDecl | undefined;
  }

  /** Every name of a kind; the running check now depends on all of them. */
  names(kind: Named): Iterable<string> {
    this.read('names', kind);
    return this.table(kind).keys();
  }

  private table(kind: Named): Map<string, unknown> {
    return kind === 'block' ? this.blocks : kind === 'model' ? this.models : this.datasets;
  }

  /** The running check read something that no later analysis can compare: it is not to be replayed. */
  volatile(): void {
    if (this.recording) this.recording.volatile = true;
  }

  private read(table: Table, name: string): unknown {
    const found = this.lookup(table, name);
    this.recording?.reads.push(table, name, found);
    return found;
  }

  private lookup(table: Table, name: unknown): unknown {
    switch (table) {
      case 'line': return (name as Position).line;
      case 'block': return this.blocks.get(name as string);
      case 'model': return this.models.get(name as string);
      case 'graph': return this.graphs.get(name as string);
      case 'dataset': return this.datasets.get(name as string)?.decl;
      case 'shapes': return this.datasets.get(name as string)?.shapes;
      // Its line, which the message gives: a range object is new each analysis.
      case 'python': return this.pythonModels.get(name as string)?.start.line;
      case 'trainOn': return this.file.decls.find((d): d is ast.TrainDecl => d.kind === 'train' && trainsOn(d, name as string));
      case 'names': {
        let key = this.namesKeys.get(name as Named);
        if (key === undefined) this.namesKeys.set(name as Named, (key = [...this.table(name as Named).keys()].join(' ')));
        return key;
      }
    }
  }

  /** Runs a check, recording its effects and what it read. */
  record<T>(check: () => T): { value: T; recording: Recording } {
    const recording: Recording = { effects: [], reads: [] };
    this.recording = recording;
    readLinesWith((p) => recording.reads.push('line', p, p.line));
    try {
      const value = check();
      recording.effects = fitted(recording.effects);
      recording.reads = fitted(recording.reads);
      return { value, recording };
    } finally {
      this.recording = undefined;
      readLinesWith(undefined);
    }
  }

  /** Whether every lookup of a recorded check finds the same now. */
  stillHolds(r: Recording): boolean {
    if (r.volatile) return false;
    const reads = r.reads;
    for (let i = 0; i < reads.length; i += 3) if (this.lookup(reads[i] as Table, reads[i + 1]) !== reads[i + 2]) return false;
    return true;
  }

  /** Applies a recorded check's effects, in order, as if it ran again. */
  replay(r: Recording): void {
    const e = r.effects;
    let i = 0;
    while (i < e.length) {
      switch (e[i]) {
        case REPORT: this.report(e[i + 1] as Diagnostic); i += 2; break;
        case REPEAT: this.repeat(e[i + 1] as Diagnostic); i += 2; break;
        case STEP: this.noteStep(e[i + 1] as ast.Step, e[i + 2] as StepInfo); i += 3; break;
        case STATEMENT: this.noteStatement(e[i + 1] as ast.Stmt, e[i + 2] as Shape); i += 3; break;
        case DEFINE:
          this.define(e[i + 1] as string, e[i + 2] as SymbolKind, e[i + 3] as Range, e[i + 4] as Range, e[i + 5] as string | undefined, e[i + 6] as Shape | undefined, e[i + 7] as boolean);
          i += 8;
          break;
        case REFER: this.refer(e[i + 1] as string, e[i + 2] as SymbolKind, e[i + 3] as Range, e[i + 4] as Range, e[i + 5] as string | undefined, e[i + 6] as Range); i += 7; break;
        case REFER_TENSOR: this.referTensor(e[i + 1] as string, e[i + 2] as string, e[i + 3] as Range); i += 4; break;
        case NODE_CALL: this.noteNodeCall(e[i + 1] as LayerNode, e[i + 2] as ast.Call); i += 3; break;
        case USE: this.use(e[i + 1] as Named, e[i + 2] as string); i += 3; break;
        default: throw new Error(`unknown effect ${String(e[i])}`);
      }
    }
  }
}
