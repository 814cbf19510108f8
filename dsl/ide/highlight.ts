/** Semantic classes of identifiers and numbers, for semantic highlighting. */
import type { Analysis } from '../analyze';
import { choiceTables, findLayer, type ChoiceTable } from '../catalog';
import type * as ast from '../syntax/ast';
import type { Range } from '../syntax/range';
import { walk, type Node } from './locate';

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
  const push = (range: Range, cls: TokenClass, declaration = false) => out.push({ range, cls, declaration });
  const lines = range && { start: range.start.line, end: range.end.line };
  walk(a.file, (node: Node, parent: Node | undefined) => {
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
      case 'call': push(node.callee.range, callClass(a, node, parent)); break;
    }
  }, lines);
  const shown = lines ? out.filter((t) => t.range.start.line >= lines.start && t.range.start.line <= lines.end) : out;
  return shown.sort((x, y) => x.range.start.line - y.range.start.line || x.range.start.character - y.range.start.character);
}

function callClass(a: Analysis, call: ast.Call, parent: Node | undefined): TokenClass {
  const occurrence = a.symbols.at(call.callee.range.start);
  if (occurrence) {
    const k = occurrence.symbol.kind;
    return k === 'param' ? 'parameter' : k === 'tensor' ? 'tensor' : k === 'block' ? 'block' : k === 'model' ? 'model' : 'dataset';
  }
  const name = call.callee.text;
  const asValue = parent?.kind === 'arg' || parent?.kind === 'setting' || parent?.kind === 'list';
  if (asValue && choiceNames.has(name)) return 'enumValue';
  if (findLayer(name)) return 'layer';
  if (a.blocks.has(name)) return 'block';
  return choiceNames.has(name) ? 'enumValue' : 'layer';
}
