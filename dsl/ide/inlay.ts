/** Inlay hints: the output shape after every step, and parameter counts on models. */
import type { Analysis } from '../analyze';
import { formatShape } from '../semantics/shape';
import type { Position, Range } from '../syntax/range';
import { paramsText } from './describe';

export interface InlayHint {
  position: Position;
  label: string;
  kind: 'shape' | 'params';
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
  return hints.sort((x, y) => x.position.line - y.position.line || x.position.character - y.position.character);
}
