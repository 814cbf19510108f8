/** Rename, references and highlights for models, blocks, block parameters, datasets and tensors. */
import type { Analysis } from '../analyze';
import type { TextEdit } from '../diagnostics';
import type { SymbolInfo } from '../semantics/symbols';
import { offsetAt, type Position, type Range } from '../syntax/range';
import { keywordNames } from '../syntax/tokens';

export function symbolAt(a: Analysis, pos: Position): SymbolInfo | undefined {
  return a.symbols.at(pos)?.symbol;
}

export function occurrences(symbol: SymbolInfo): Range[] {
  return [symbol.nameRange, ...symbol.refs];
}

/** The range of the name to rename at pos, or undefined when nothing renameable is there. */
export function prepareRename(a: Analysis, pos: Position): Range | undefined {
  const at = a.symbols.at(pos);
  return at && writtenAt(a, at.symbol) ? at.range : undefined;
}

/**
 * Whether the symbol's name is written where it is declared: a name the parser made up
 * (a model pasted as `model = Sequential(...)` is named Model, after its variable, until
 * its fix writes the declaration) is no text to rename.
 */
function writtenAt(a: Analysis, symbol: SymbolInfo): boolean {
  const r = symbol.nameRange;
  return a.text.slice(offsetAt(a.text, r.start), offsetAt(a.text, r.end)) === symbol.name;
}

export function rename(a: Analysis, pos: Position, newName: string): { edits: TextEdit[] } | { error: string } {
  const symbol = symbolAt(a, pos);
  if (!symbol) return { error: 'nothing to rename here' };
  if (!writtenAt(a, symbol)) return { error: `'${symbol.name}' is not written here yet: apply the fix that declares it first` };
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(newName)) return { error: `'${newName}' is not a valid name` };
  if (keywordNames.includes(newName)) return { error: `'${newName}' is a keyword` };
  const clash = a.symbols.symbols.find((s) => s !== symbol && s.name === newName && sameNamespace(s, symbol));
  if (clash) return { error: `'${newName}' is already used on line ${clash.nameRange.start.line + 1}` };
  return { edits: occurrences(symbol).map((range) => ({ range, newText: newName })) };
}

function sameNamespace(a: SymbolInfo, b: SymbolInfo): boolean {
  const topLevel = (s: SymbolInfo) => s.kind === 'model' || s.kind === 'block' || s.kind === 'dataset';
  if (topLevel(a) && topLevel(b)) return true;
  return !topLevel(a) && !topLevel(b) && a.container === b.container;
}
