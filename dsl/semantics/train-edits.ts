/** Finding and adding a train statement's settings, for the fixes of its checks. */
import type { Fix, TextEdit } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { alongLine, withoutLine } from '../syntax/range';
import type { Context } from './context';

/** The setting written with this key, the first where it is set twice. */
export function settingNamed(decl: ast.TrainDecl, key: string): ast.Setting | undefined {
  return decl.settings.find((s) => s.key.text === key);
}

/**
 * The edit that adds `setting` (`loss: mse`) first in the statement's settings, in their
 * style: `{ epochs: 3 }` on one line takes it first on that line, a block over several
 * lines a line of its own; a statement without settings gets a block.
 */
export function settingAdded(ctx: Context, decl: ast.TrainDecl, setting: string): TextEdit {
  const br = ctx.lineBreak;
  if (decl.settingsRange) {
    const at = decl.settingsRange.start;
    const pos = alongLine(at, 1);
    const oneLine = decl.settings.length > 0 && decl.settings[0].range.start.line === at.line;
    return { range: { start: pos, end: pos }, newText: oneLine ? ` ${setting};` : `${br}  ${setting}` };
  }
  const end = decl.data.range.end;
  return { range: { start: end, end }, newText: ` {${br}  ${setting}${br}}` };
}

/**
 * The fix that takes a setting out: its whole line where it has one to itself, else the
 * setting with the `;` that separates it from its neighbour on the line.
 */
export function settingRemoval(decl: ast.TrainDecl, s: ast.Setting, title: string, preferred?: true): Fix[] {
  const range = withoutLine(decl.settings, decl.settings.indexOf(s), decl.settingsRange!);
  return [{ title, edits: [{ range, newText: '' }], preferred }];
}
