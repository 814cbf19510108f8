/**
 * The edit that gives a train statement's setting a value: replaces the value if the
 * setting is written, else adds it in the statement's own style (one line with `;`, or
 * a line of its own), else adds a settings block. The training panel's "Use batchSize"
 * applies it.
 */
import type { TextEdit } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { lineBreakOf, splitLines } from '../syntax/range';
import { parse } from '../syntax/parse';

export function settingEdit(text: string, line: number, key: string, value: string): TextEdit | undefined {
  const train = parse(text).file.decls.find((d): d is ast.TrainDecl => d.kind === 'train' && d.range.start.line === line);
  if (!train) return undefined;
  const existing = train.settings.find((s) => s.key.text === key);
  if (existing) return { range: existing.value.range, newText: value };
  const block = train.settingsRange;
  if (!block) {
    const end = train.range.end;
    return { range: { start: end, end }, newText: ` { ${key}: ${value} }` };
  }
  const last = train.settings[train.settings.length - 1];
  if (!last) {
    const at = block.start;
    const after = { line: at.line, character: at.character + 1 };
    return { range: { start: after, end: after }, newText: ` ${key}: ${value}` };
  }
  if (last.range.end.line === block.end.line) {
    // `{ loss: mse; epochs: 3 }`: one more on the same line.
    return { range: { start: last.range.end, end: last.range.end }, newText: `; ${key}: ${value}` };
  }
  const indent = splitLines(text)[last.range.start.line].match(/^\s*/)![0];
  return { range: { start: last.range.end, end: last.range.end }, newText: `${lineBreakOf(text)}${indent}${key}: ${value}` };
}
