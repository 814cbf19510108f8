/** Checks a .dlnet text against its inline expectations; returns the problems found. */
import { analyze, formatShape, type Analysis, type Diagnostic, type FileHost } from '../../dsl';
import { readExpectations, type DiagnosticExpectation } from './expectations';

const describeDiagnostic = (d: Diagnostic) =>
  `${d.range.start.line + 1}:${d.range.start.character + 1}-${d.range.end.character + 1} ${d.severity}: ${d.code} ${d.message}`;

export function matches(e: DiagnosticExpectation, d: Diagnostic): boolean {
  return d.range.start.line === e.line && d.range.start.character === e.character
    && (e.length === undefined || d.range.end.character - d.range.start.character === e.length)
    && d.severity === e.severity && d.code === e.code && (!e.text || d.message.includes(e.text));
}

/** The output shape and parameter count of whatever starts at (line, character). */
function valuesAt(a: Analysis, line: number, character: number): { shape?: string; params?: string } {
  for (const [stmt, shape] of a.statementShapes) {
    if (stmt.range.start.line === line && stmt.range.start.character === character) {
      const step = stmt.kind === 'chain' ? a.steps.get(stmt.steps[stmt.steps.length - 1]) : undefined;
      return { shape: formatShape(shape), params: step?.params === undefined ? undefined : String(step.params ?? '?') };
    }
  }
  for (const [step, info] of a.steps) {
    if (step.range.start.line === line && step.range.start.character === character) {
      return { shape: info.output ? formatShape(info.output) : undefined, params: info.params === undefined ? undefined : String(info.params ?? '?') };
    }
  }
  return {};
}

export function checkExpectations(text: string, host?: FileHost): string[] {
  const analysis = analyze(text, { host });
  const problems: string[] = [];
  const unmatched = new Set(analysis.diagnostics);
  for (const e of readExpectations(text)) {
    if (e.kind === 'diagnostic') {
      const hit = [...unmatched].find((d) => matches(e, d));
      if (hit) unmatched.delete(hit);
      else problems.push(`line ${e.source}: expected ${e.severity}: ${e.code}${e.text ? ` "${e.text}"` : ''} at ${e.line + 1}:${e.character + 1}, not reported`);
    } else {
      const actual = valuesAt(analysis, e.line, e.character)[e.kind];
      if (actual !== e.value) problems.push(`line ${e.source}: expected ${e.kind} ${e.value} at ${e.line + 1}:${e.character + 1}, got ${actual ?? 'nothing'}`);
    }
  }
  // Errors and warnings must all be expected; hints only where a fixture asks for them.
  for (const d of unmatched) {
    if (d.severity === 'error' || d.severity === 'warning') problems.push(`unexpected: ${describeDiagnostic(d)}`);
  }
  return problems;
}
