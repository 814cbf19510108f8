/** Semantic classes of identifiers and numbers, for semantic highlighting. */
import type { Analysis } from '../analyze';
import { choiceTables, findLayer, type ChoiceTable } from '../catalog';
import type * as ast from '../syntax/ast';
import { comparePositions, type Range } from '../syntax/range';
import { keptWithTree, walkDecl, type Node } from './locate';

export const tokenClasses = ['layer', 'block', 'tensor', 'parameter', 'enumValue', 'number', 'model', 'dataset', 'setting', 'string'] as const;
export type TokenClass = (typeof tokenClasses)[number];

export interface ClassifiedToken {
  range: Range;
  cls: TokenClass;
  /** A declaration rather than a use. */
  declaration?: boolean;
}

const choiceNames = new Set((Object.keys(choiceTables) as ChoiceTable[]).flatMap((tb) => choiceTables[tb].map((c) => c.name)));

/** The classified tokens of the file, or of the lines `range` covers (an editor asks for what it shows first). */
export function classify(a: Analysis, range?: Range): ClassifiedToken[] {
  const out: ClassifiedToken[] = [];
  const lines = range && { start: range.start.line, end: range.end.line };
  for (const d of a.file.decls) {
    if (lines && (d.range.start.line > lines.end || d.range.end.line < lines.start)) continue;
    for (const slot of slotsOf(d)) {
      const tok = 'call' in slot ? { range: slot.call.callee.range, cls: callClass(a, slot.call, slot.parent), declaration: false } : slot;
      if (!lines || (tok.range.start.line >= lines.start && tok.range.start.line <= lines.end)) out.push(tok);
    }
  }
  return out;
}

/** A token of a declaration whose class is syntax alone, or a call, whose class the analysis decides. */
type Slot = ClassifiedToken | { call: ast.Call; parent: Node | undefined };

/**
 * Each declaration's slots in source order, kept with its tree: a keystroke elsewhere
 * looks up only the calls' classes again (order holds too: a move shifts every position).
 */
const slotsOf = keptWithTree((decl): Slot[] => {
  const slots: Slot[] = [];
  const push = (range: Range, cls: TokenClass, declaration = false) => slots.push({ range, cls, declaration });
  walkDecl(decl, (node: Node, parent: Node | undefined) => {
    switch (node.kind) {
      case 'number': push(node.range, 'number'); break;
      case 'string': push(node.range, 'string'); break;
      case 'model': push(node.name.range, 'model', true); break;
      case 'dataset': push(node.name.range, 'dataset', true); break;
      case 'block': push(node.name.range, 'block', true); break;
      case 'param': push(node.name.range, 'parameter', true); break;
      case 'setting': push(node.key.range, 'setting'); break;
      case 'train':
        push(node.model.range, 'model');
        if (node.versus) push(node.versus.range, 'model');
        push(node.data.range, 'dataset');
        break;
      case 'input': if (node.name) push(node.name.range, 'tensor', true); break;
      case 'output': for (const n of node.names) push(n.range, 'tensor'); break;
      case 'chain': if (node.target) push(node.target.range, 'tensor', true); break;
      case 'arg': if (node.name) push(node.name.range, 'parameter'); break;
      case 'call': slots.push({ call: node, parent }); break;
    }
  });
  const start = (slot: Slot) => ('call' in slot ? slot.call.callee.range.start : slot.range.start);
  return slots.sort((x, y) => comparePositions(start(x), start(y)));
});

function callClass(a: Analysis, call: ast.Call, parent: Node | undefined): TokenClass {
  const occurrence = a.symbols.at(call.callee.range.start);
  if (occurrence) {
    const k = occurrence.symbol.kind;
    return k === 'param' ? 'parameter' : k === 'tensor' ? 'tensor' : k === 'block' ? 'block' : k === 'model' ? 'model' : 'dataset';
  }
  const name = call.callee.text;
  const asValue = parent?.kind === 'arg' || parent?.kind === 'setting' || parent?.kind === 'list' || parent?.kind === 'arith';
  if (asValue && choiceNames.has(name)) return 'enumValue';
  if (findLayer(name)) return 'layer';
  if (a.blocks.has(name)) return 'block';
  return choiceNames.has(name) ? 'enumValue' : 'layer';
}
