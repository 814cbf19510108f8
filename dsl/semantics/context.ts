/** What one analysis accumulates, shared by the passes that fill it. */
import type { Args, DatasetShapes, LayerDef } from '../catalog';
import type { Diagnostic } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { rangeKey } from '../syntax/range';
import type { LayerNode, ModelGraph } from './graph';
import type { Shape } from './shape';
import { SymbolTable } from './symbols';

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

  constructor(readonly file: ast.SourceFile) {}

  /** Reports each diagnostic once: blocks and repeats are walked many times. */
  report(d: Diagnostic): void {
    if (d.severity === 'error') this.errors.push(d);
    const key = `${d.code}@${rangeKey(d.range)}:${d.message}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push(d);
  }

  /** Records step facts from the first walk that knows them. */
  noteStep(step: ast.Step, info: StepInfo): void {
    const old = this.steps.get(step);
    if (!old || (old.output === undefined && info.output !== undefined)) this.steps.set(step, info);
  }

  noteStatement(stmt: ast.Stmt, shape: Shape | undefined): void {
    if (shape && !this.statementShapes.has(stmt)) this.statementShapes.set(stmt, shape);
  }
}
