/** The outline: models and blocks with their statements (and shapes), datasets, train statements. */
import type { Analysis } from '../analyze';
import type { ModelGraph } from '../semantics/graph';
import { formatShape } from '../semantics/shape';
import type * as ast from '../syntax/ast';
import type { Range } from '../syntax/range';
import { paramsText } from './describe';

export interface OutlineItem {
  name: string;
  kind: 'model' | 'block' | 'dataset' | 'train' | 'input' | 'statement';
  detail?: string;
  range: Range;
  selectionRange: Range;
  children: OutlineItem[];
}

function statements(a: Analysis, body: ast.Body): OutlineItem[] {
  return body.stmts.map((stmt) => {
    const shape = a.statementShapes.get(stmt);
    const detail = shape ? formatShape(shape) : undefined;
    if (stmt.kind === 'input') return { name: stmt.name?.text ?? 'input', kind: 'input' as const, detail, range: stmt.range, selectionRange: stmt.name?.range ?? stmt.keyword, children: [] };
    if (stmt.kind === 'output') return { name: `output ${stmt.names.map((n) => n.text).join(', ')}`, kind: 'statement' as const, range: stmt.range, selectionRange: stmt.keyword, children: [] };
    const steps = stmt.steps.map((s) => (s.kind === 'call' ? s.callee.text : s.kind)).join(' -> ');
    const name = stmt.target ? `${stmt.target.text} = ${steps}` : steps || '(empty)';
    return { name, kind: 'statement' as const, detail, range: stmt.range, selectionRange: stmt.target?.range ?? stmt.steps[0]?.range ?? stmt.range, children: [] };
  });
}

export function outline(a: Analysis): OutlineItem[] {
  // The first graph of each name, as a lookup: a search per model made 20,000-line files quadratic.
  const graphs = new Map<string, ModelGraph>();
  for (const g of a.models) if (!graphs.has(g.name)) graphs.set(g.name, g);
  return a.file.decls.map((d): OutlineItem => {
    switch (d.kind) {
      case 'model': {
        const g = graphs.get(d.name.text);
        return { name: d.name.text, kind: 'model', detail: g?.ok ? paramsText(g.totalParams) : undefined, range: d.range, selectionRange: d.name.range, children: statements(a, d.body) };
      }
      case 'block':
        return { name: d.name.text, kind: 'block', detail: `(${d.params.map((p) => p.name.text).join(', ')})`, range: d.range, selectionRange: d.name.range, children: statements(a, d.body) };
      case 'dataset':
        return { name: d.name.text, kind: 'dataset', detail: d.source?.callee.text, range: d.range, selectionRange: d.name.range, children: [] };
      case 'train':
        return { name: `train ${d.model.text}${d.versus ? ` vs ${d.versus.text}` : ''} on ${d.data.text}`, kind: 'train', range: d.range, selectionRange: d.model.range, children: [] };
    }
  });
}
