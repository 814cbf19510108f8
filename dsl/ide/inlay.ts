/** Inlay hints: the output shape after every step, parameter counts on models, and the names of arguments passed by position. */
import type { Analysis } from '../analyze';
import type { ParamDef } from '../catalog';
import { formatShape } from '../semantics/shape';
import type * as ast from '../syntax/ast';
import type { Position, Range } from '../syntax/range';
import { paramsText } from './describe';
import { paramsOf } from './hover';

export interface InlayHint {
  position: Position;
  label: string;
  /** `parameter`: a name before an argument (`conv2d(32, kernel: 3)`), to be read as if written. */
  kind: 'shape' | 'params' | 'parameter';
}

export function inlayHints(a: Analysis, range?: Range): InlayHint[] {
  const hints: InlayHint[] = [];
  const inRange = (p: Position) => !range || (p.line >= range.start.line && p.line <= range.end.line);
  for (const [stmt, shape] of a.statementShapes) {
    if (stmt.kind === 'chain' && stmt.steps.length > 1) {
      for (const step of stmt.steps.slice(0, -1)) {
        const out = a.steps.get(step)?.output;
        if (out && step.kind === 'call' && inRange(step.range.end)) hints.push({ position: step.range.end, label: `→ ${formatShape(out)}`, kind: 'shape' });
      }
    }
    if (stmt.kind === 'input') continue; // the shape is written right there
    if (inRange(stmt.range.end)) hints.push({ position: stmt.range.end, label: `→ ${formatShape(shape)}`, kind: 'shape' });
  }
  for (const g of a.models) {
    // A model with errors has a partial graph: its count would mislead.
    if (g.ok && inRange(g.nameRange.end)) hints.push({ position: g.nameRange.end, label: paramsText(g.totalParams), kind: 'params' });
  }
  for (const d of a.file.decls) {
    if (range && (d.range.end.line < range.start.line || d.range.start.line > range.end.line)) continue;
    // Only a call with an argument after its first one that is given by position has a name to show.
    callsIn(d, (call) => call.args!.some((arg, i) => i > 0 && !arg.name) && parameterNames(a, call, inRange, hints));
  }
  return hints.sort((x, y) => x.position.line - y.position.line || x.position.character - y.position.character);
}

/** Every call with arguments in a declaration (a walk that makes no lists: a whole file's hints are asked for at once by some editors). */
function callsIn(decl: ast.Decl, visit: (call: ast.Call) => void): void {
  const value = (v: ast.Value | undefined): void => {
    if (!v) return;
    if (v.kind === 'call') {
      if (!v.args) return;
      visit(v);
      for (const arg of v.args) value(arg.value);
    } else if (v.kind === 'list') for (const item of v.items) value(item);
    else if (v.kind === 'arith') {
      value(v.left);
      value(v.right);
    }
  };
  const body = (b: ast.Body | undefined): void => {
    for (const st of b?.stmts ?? []) {
      if (st.kind !== 'chain') continue;
      for (const step of st.steps) {
        if (step.kind === 'call') value(step);
        else if (step.kind === 'residual') {
          body(step.body);
          body(step.shortcut);
        } else {
          value(step.count);
          body(step.body);
        }
      }
    }
  };
  switch (decl.kind) {
    case 'dataset': return value(decl.source);
    case 'model': return body(decl.body);
    case 'block':
      for (const p of decl.params) value(p.default);
      return body(decl.body);
    case 'train':
      for (const s of decl.settings) value(s.value);
  }
}

/**
 * The parameter each argument after the first passed by position binds to (`conv2d(32, 3)`
 * reads `conv2d(32, kernel: 3)`): the first is the layer's obvious one (units, filters,
 * rate), and a name that already says it (`Res(filters)`) needs none.
 */
function parameterNames(a: Analysis, call: ast.Call, inRange: (p: Position) => boolean, hints: InlayHint[]): void {
  const params = paramsOf(a, call);
  if (!params) return;
  const positional = params.filter((p) => p.positional);
  let index = 0;
  for (const arg of call.args!) {
    if (arg.name) continue;
    const p: ParamDef | undefined = positional[index] ?? (positional[positional.length - 1]?.variadic ? positional[positional.length - 1] : undefined);
    const first = index++ === 0;
    if (first || !p || p.type.kind === 'tensor' || !arg.value || !inRange(arg.range.start)) continue;
    if (arg.value.kind === 'call' && !arg.value.args && arg.value.callee.text === p.name) continue;
    hints.push({ position: arg.range.start, label: `${p.name}:`, kind: 'parameter' });
  }
}
