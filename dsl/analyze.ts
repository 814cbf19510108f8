/**
 * Text → Analysis: the syntax tree, symbols, a shape for every statement, the model
 * graphs, the checked train statements and every diagnostic. Pure: no I/O except
 * through the optional file host (for csv/idx headers).
 */
import { filesRead, findDataset, datasets as datasetDefs, type Args, type DatasetShapes, type FileHost } from './catalog';
import { byPosition, diagnostic, replaceWith, type Diagnostic, type Fix } from './diagnostics';
import type * as ast from './syntax/ast';
import { pythonModels } from './syntax/python-models';
import { parse, type SyntaxError } from './syntax/parse';
import { lineOf } from './syntax/range';
import { Context, type DatasetInfo, type StepInfo } from './semantics/context';
import type { ModelGraph } from './semantics/graph';
import { lintModel } from './semantics/lints';
import { Remembered } from './semantics/memo';
import { ModelChecker } from './semantics/models';
import type { Shape } from './semantics/shape';
import { closest } from './suggest';
import type { SymbolTable } from './semantics/symbols';
import { checkTrain, namedSetting, type TrainPlan } from './semantics/train';
import { bindArgs, type ValueScope } from './semantics/values';
import { columnFixes, fileArguments, labelFixes, pathFixes } from './semantics/source-fixes';
import { checkProse } from './semantics/tokens';

export interface AnalyzeOptions {
  /** Reads files relative to the analysed file (csv and idx headers). */
  host?: FileHost;
  /**
   * The editor's name for the document (its URI), when the analysis is of one. Adding or
   * removing a line then keeps the trees and remembered checks of the declarations below
   * it (moved in place: see syntax/parse.ts): the analysis this one replaces is stale.
   */
  document?: string;
}

export interface Analysis {
  text: string;
  file: ast.SourceFile;
  diagnostics: Diagnostic[];
  symbols: SymbolTable;
  models: ModelGraph[];
  trains: TrainPlan[];
  datasets: Map<string, DatasetInfo>;
  blocks: Map<string, ast.BlockDecl>;
  steps: Map<ast.Step, StepInfo>;
  statementShapes: Map<ast.Stmt, Shape>;
  /** The data files the datasets read, as written (relative to the file), whether or not they could be read. */
  dataFiles: string[];
  /** What reads those files (for completion's column names of a table), where the analysis was given one. */
  host?: FileHost;
}

/** Checks from earlier analyses (of this text or any other): an edit re-checks only what it touched. */
const datasetChecks = new Remembered<ast.DatasetDecl, CheckedDataset>();
const blockChecks = new Remembered<ast.BlockDecl, void>();
const modelChecks = new Remembered<ast.ModelDecl, ModelGraph>();
const trainChecks = new Remembered<ast.TrainDecl, TrainPlan>();

export function analyze(text: string, options: AnalyzeOptions = {}): Analysis {
  const parsed = parse(text, options.document);
  const ctx = new Context(parsed.file, text, options.host);
  // Models pasted as Python span the parse cache's pieces: their lines are looked at together here.
  const syntaxErrors = pythonModels(text, parsed.file, parsed.errors);
  for (const found of syntaxErrors) {
    const e = found.settingCall ? namedSetting(found, found.settingCall) : found;
    ctx.report(diagnostic('syntax-error', 'error', e.range, e.message, { fixes: e.fixes && withLineBreak(e.fixes, ctx.lineBreak) }));
    if (e.declares) ctx.pythonModels.set(e.declares, e.range);
  }
  const globals: ValueScope = { param: () => undefined, report: (d) => ctx.report(d) };

  declare(ctx);
  const dataFiles: string[] = [];
  for (const info of ctx.datasets.values()) {
    const checked = datasetChecks.check(ctx, info.decl, () => checkDataset(ctx, info.decl, globals, options.host));
    info.shapes = checked.shapes;
    info.args = checked.args;
    dataFiles.push(...checked.files);
  }
  const checker = new ModelChecker(ctx, globals);
  for (const block of ctx.blocks.values()) blockChecks.check(ctx, block, () => checker.checkBlockAlone(block));
  const models: ModelGraph[] = [];
  for (const model of ctx.models.values()) {
    const g = modelChecks.check(ctx, model, () => {
      const graph = checker.checkModel(model);
      lintModel(ctx, graph);
      return graph;
    });
    ctx.graphs.set(g.name, g);
    models.push(g);
  }
  const trains = parsed.file.decls.filter((d): d is ast.TrainDecl => d.kind === 'train').map((t) => trainChecks.check(ctx, t, () => checkTrain(ctx, t, globals)));
  reportUnusedDeclarations(ctx);

  const diagnostics = withoutEchoes(ctx.diagnostics, syntaxErrors).sort(byPosition);
  return {
    text, file: parsed.file, diagnostics, symbols: ctx.symbols, models, trains, datasets: ctx.datasets,
    blocks: ctx.blocks, steps: ctx.steps, statementShapes: ctx.statementShapes, dataFiles, host: options.host,
  };
}

/** Top-level names: one namespace for models, blocks and datasets. */
function declare(ctx: Context): void {
  const first = new Map<string, ast.Decl & { name: ast.Ident }>();
  for (const decl of ctx.file.decls) {
    if (decl.kind === 'train' || decl.name.text === '') continue;
    const prior = first.get(decl.name.text);
    if (prior) {
      ctx.report(diagnostic('duplicate-name', 'error', decl.name.range, `${decl.name.text} is already declared as a ${prior.kind} on line ${lineOf(prior.name.range)}`, {
        related: [{ range: prior.name.range, message: `first declared here` }],
      }));
      continue;
    }
    first.set(decl.name.text, decl);
    ctx.define(decl.name.text, decl.kind, decl.name.range, decl.range);
    if (decl.kind === 'model') ctx.models.set(decl.name.text, decl);
    else if (decl.kind === 'block') ctx.blocks.set(decl.name.text, decl);
    else ctx.datasets.set(decl.name.text, { decl });
  }
}

interface CheckedDataset {
  shapes?: DatasetShapes;
  args?: Args;
  /** The files it reads, as written, whether or not they could be read. */
  files: string[];
}

/** Checks a dataset's source: its shapes and arguments when it is right, and the files it reads. */
function checkDataset(ctx: Context, decl: ast.DatasetDecl, globals: ValueScope, host?: FileHost): CheckedDataset {
  const source = decl.source;
  if (!source || source.callee.text === '') return { files: [] };
  const def = findDataset(source.callee.text);
  if (!def) {
    const guess = closest(source.callee.text, datasetDefs.map((d) => d.name));
    ctx.report(diagnostic('unknown-name', 'error', source.callee.range,
      `unknown dataset source '${source.callee.text}'${guess ? `; did you mean '${guess}'?` : ` (sources: ${datasetDefs.map((d) => d.name).join(', ')})`}`, {
        fixes: replaceWith(source.callee.range, guess),
      }));
    return { files: [] };
  }
  const bound = bindArgs(def.name, def.params, source, globals, def.name === 'csv' && host ? (p) => (p.name === 'label' ? labelFixes(source, host) : undefined) : undefined);
  if (!bound) return { files: [] };
  const files = filesRead(def, bound.args);
  // A file can change between two analyses of the same text: such a check is never replayed.
  if (files.length) ctx.volatile();
  const shapes = def.shapes(bound.args, host);
  if ('error' in shapes) {
    const path = shapes.unreadable !== undefined ? fileArguments(source).find((f) => f.value.value === shapes.unreadable) : undefined;
    if (path && host) {
      // Said at the path, with the files it may have meant.
      const { fixes, meant } = pathFixes(path.value, path.kind, host);
      ctx.report(diagnostic('invalid-argument', 'error', path.value.range, `dataset ${decl.name.text}: ${shapes.error}${meant ? `; did you mean '${meant}'?` : ''}`, { fixes }));
    } else ctx.report(diagnostic('invalid-argument', 'error', source.argsRange ?? source.range, `dataset ${decl.name.text}: ${shapes.error}`, { fixes: columnFixes(source, shapes) }));
    return { files };
  }
  checkProse(ctx, decl, source, shapes);
  return { shapes, args: bound.args, files };
}

/** The parser writes the lines its fixes add with \n (a piece is cached for any file that holds it): they take the file's line break here. */
function withLineBreak(fixes: Fix[], lineBreak: string): Fix[] {
  if (lineBreak === '\n') return fixes;
  return fixes.map((f) => ({ ...f, edits: f.edits.map((e) => (e.newText.includes('\n') ? { ...e, newText: e.newText.replace(/\n/g, lineBreak) } : e)) }));
}

/** After a syntax error, what the parser recovered on that line is guesswork: drop other findings there. */
function withoutEchoes(diagnostics: Diagnostic[], syntaxErrors: readonly SyntaxError[]): Diagnostic[] {
  const broken = new Set(syntaxErrors.filter((e) => !e.lineReadAsWritten).map((e) => e.range.start.line));
  if (broken.size === 0) return diagnostics;
  return diagnostics.filter((d) => d.code === 'syntax-error' || !broken.has(d.range.start.line));
}

function reportUnusedDeclarations(ctx: Context): void {
  const unused = (kind: 'model' | 'block' | 'dataset', name: ast.Ident, why: string) => {
    if (!ctx.isUsed(kind, name.text)) {
      ctx.report(diagnostic('unused', 'hint', name.range, `${kind} ${name.text} ${why}`, { unnecessary: true }));
    }
  };
  for (const m of ctx.models.values()) unused('model', m.name, 'is never trained');
  for (const b of ctx.blocks.values()) unused('block', b.name, 'is never used');
  for (const d of ctx.datasets.values()) unused('dataset', d.decl.name, 'is never used');
}
