/** What one analysis accumulates, shared by the passes that fill it. */
import type { Args, DatasetShapes, LayerDef } from '../catalog';
import type { Diagnostic } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { rangeKey } from '../syntax/range';
import type { LayerNode, ModelGraph } from './graph';
import type { Shape } from './shape';
import { SymbolTable, type SymbolKind } from './symbols';
import type { Range } from '../syntax/range';

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
  /** The blocks the check looked up by name, found or not: a change to any of them invalidates it. */
  blocks: Map<string, ast.BlockDecl | undefined>;
  /** The check listed every block name (for a "did you mean"): any new or removed block invalidates it. */
  allBlocks?: string;
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
  /** Models, blocks and datasets that something refers to (for the unused lint). */
  readonly used = new Set<string>();
  private recording: Recording | undefined;
  private blockNamesKey: string | undefined;

  constructor(readonly file: ast.SourceFile) {}

  /** Reports each diagnostic once: blocks and repeats are walked many times. */
  report(d: Diagnostic): void {
    this.recording?.effects.push(REPORT, d);
    if (d.severity === 'error') this.errors.push(d);
    const key = `${d.code}@${rangeKey(d.range)}:${d.message}`;
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

  /** Marks a model, block or dataset as used (`kind:name`). */
  use(key: string): void {
    this.recording?.effects.push(USE, key);
    this.used.add(key);
  }

  /** The block declared under a name; the running check now depends on that. */
  block(name: string): ast.BlockDecl | undefined {
    const block = this.blocks.get(name);
    this.recording?.blocks.set(name, block);
    return block;
  }

  /** Every block name; the running check now depends on all of them. */
  blockNames(): Iterable<string> {
    if (this.recording) this.recording.allBlocks = this.allBlocksKey();
    return this.blocks.keys();
  }

  private allBlocksKey(): string {
    return (this.blockNamesKey ??= [...this.blocks.keys()].join(' '));
  }

  /** Runs a check, recording its effects and what it read. */
  record<T>(check: () => T): { value: T; recording: Recording } {
    const recording: Recording = { effects: [], blocks: new Map() };
    this.recording = recording;
    try {
      return { value: check(), recording };
    } finally {
      this.recording = undefined;
    }
  }

  /** Whether a recorded check would read the same blocks now. */
  stillHolds(r: Recording): boolean {
    for (const [name, block] of r.blocks) if (this.blocks.get(name) !== block) return false;
    return r.allBlocks === undefined || r.allBlocks === this.allBlocksKey();
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
        case USE: this.use(e[i + 1] as string); i += 2; break;
        default: throw new Error(`unknown effect ${String(e[i])}`);
      }
    }
  }
}
