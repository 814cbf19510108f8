/** "Extract into block": whole chain statements of a body become a block, used in their place. */
import type { Analysis } from '../analyze';
import type { Fix } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { comparePositions, contains, lineBreakOf, splitLines, type Range } from '../syntax/range';

export function extractIntoBlock(a: Analysis, selection: Range): Fix | undefined {
  const decl = a.file.decls.find((d) => (d.kind === 'model' || d.kind === 'block') && contains(d.range, selection.start));
  if (!decl || (decl.kind !== 'model' && decl.kind !== 'block')) return undefined;
  const body = decl.body.stmts;
  const chosen = body.filter((s) => comparePositions(selection.start, s.range.end) < 0 && comparePositions(s.range.start, selection.end) < 0);
  if (chosen.length === 0 || chosen.some((s) => s.kind !== 'chain')) return undefined;
  const first = chosen[0];
  const last = chosen[chosen.length - 1];
  const inside = (r: Range) => comparePositions(first.range.start, r.start) <= 0 && comparePositions(r.end, last.range.end) <= 0;
  // Names used inside must be bound inside (the block sees only its input); names bound inside must not be used after.
  for (const s of a.symbols.symbols) {
    if (s.kind !== 'tensor' && s.kind !== 'param') continue;
    if (s.container !== decl.name.text) continue;
    const boundInside = inside(s.nameRange);
    if (s.kind === 'param' && s.refs.some(inside)) return undefined;
    if (!boundInside && s.refs.some(inside)) return undefined;
    if (boundInside && s.refs.some((r) => !inside(r))) return undefined;
  }
  const lines = splitLines(a.text);
  const br = lineBreakOf(a.text);
  const names = new Set(a.file.decls.filter((d): d is Exclude<ast.Decl, ast.TrainDecl> => d.kind !== 'train').map((d) => d.name.text));
  let name = 'Extracted';
  for (let i = 2; names.has(name); i++) name = `Extracted${i}`;
  // Exactly the statements' text: a statement may share its line with others (`a; b`) or with its body's braces.
  const start = first.range.start;
  const end = last.range.end;
  const indent = lines[start.line].match(/^\s*/)![0];
  const own = lines.slice(start.line, end.line + 1);
  own[own.length - 1] = own[own.length - 1].slice(0, end.character);
  own[0] = indent + own[0].slice(start.character);
  const bodyText = own.map((l) => (l.startsWith(indent) ? '  ' + l.slice(indent.length) : l)).join(br);
  const declStart = { line: decl.range.start.line, character: 0 };
  return {
    title: `Extract ${chosen.length} statement${chosen.length > 1 ? 's' : ''} into block ${name}`,
    edits: [
      { range: { start: declStart, end: declStart }, newText: `block ${name}() {${br}${bodyText}${br}}${br}${br}` },
      { range: { start, end }, newText: `${name}()` },
    ],
  };
}
