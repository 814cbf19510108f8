/** Hover: for a layer its doc, input → output shape, parameters in effect and count; for names, where and what they are. */
import type { Analysis } from '../analyze';
import { choiceTables, findChoice, findDataset, findLayer, findSetting, textColumnsOf, type ChoiceTable, type ParamDef, type ParamType, type TokenEncoding } from '../catalog';
import type * as ast from '../syntax/ast';
import type { Position, Range } from '../syntax/range';
import type { StepInfo } from '../semantics/context';
import { outputShapes } from '../semantics/graph';
import { leastSizesOf, leastSizesText } from '../semantics/on-data';
import { formatShape } from '../semantics/shape';
import { choiceDoc, datasetDoc, formatValue, layerDoc, paramDoc, paramsText, shapeFlow } from './describe';
import { valueText } from '../syntax/value-text';
import { blockUseValues } from './block-use';
import { pathAt, type Node } from './locate';

export interface Hover {
  markdown: string;
  range: Range;
}

export function hover(a: Analysis, pos: Position): Hover | undefined {
  const path = pathAt(a.file, pos);
  const node = path[path.length - 1];
  if (!node || node.kind !== 'ident') return undefined;
  const parent = path[path.length - 2];
  const grand = path[path.length - 3];
  const range = node.range;

  // A step's callee: layer, block or tensor.
  if (parent?.kind === 'call' && parent.callee === node) {
    const step = a.steps.get(parent);
    if (step?.layer) return { range, markdown: layerHover(step) };
    if (step?.block) {
      const b = step.block;
      const values = blockUseValues(b, parent);
      return { range, markdown: [`**block ${b.name.text}**(${b.params.map((p) => p.name.text).join(', ')}) — defined on line ${b.name.range.start.line + 1}`, '', `\`${shapeFlow(step.inputs, step.output)}\` · ${paramsText(step.params)}`, ...(values.length ? ['', values.map((v) => `\`${v}\``).join(' · ')] : [])].join('\n') };
    }
    // A name of a value table (`relu`, `features`) that here names a tensor is the tensor.
    const value = a.symbols.at(pos) ? undefined : valueHover(path);
    if (value) return { range, markdown: value };
  }
  // An argument's name: the parameter's documentation.
  if (parent?.kind === 'arg' && parent.name === node && grand?.kind === 'call') {
    const p = paramsOf(a, grand)?.find((q) => q.name === node.text);
    if (p) return { range, markdown: paramDoc(p) };
  }
  if (parent?.kind === 'setting' && parent.key === node) {
    const s = findSetting(node.text);
    if (s) return { range, markdown: `**${s.name}** (train setting)\n\n${paramDoc(s)}` };
  }
  const occurrence = a.symbols.at(pos);
  if (occurrence) {
    const s = occurrence.symbol;
    const where = `line ${s.nameRange.start.line + 1}`;
    switch (s.kind) {
      case 'model': {
        const g = a.models.find((m) => m.name === s.name);
        const io = g ? ` — ${g.inputs.map((i) => `${i.id} ${formatShape(i.shape)}`).join(', ')} → ${outputShapes(g).map(formatShape).join(', ')}` : '';
        const least = g?.ok ? leastSizesOf(g) : undefined;
        const runs = least ? ` · runs with ${leastSizesText(least)}` : '';
        return { range, markdown: `**model ${s.name}**${io}\n\n${g ? paramsText(g.totalParams) : ''} · ${g?.layers.length ?? 0} layers${runs} · defined on ${where}` };
      }
      case 'dataset': {
        const info = a.datasets.get(s.name);
        const shapes = info?.shapes;
        const feats = shapes ? (Array.isArray(shapes.features) && !shapes.features.some((f) => typeof f === 'object' && f !== null && 'name' in (f as object)) ? formatShape(shapes.features as never) : (shapes.features as { name: string; shape: never }[]).map((f) => `${f.name} ${formatShape(f.shape)}`).join(', ')) : '?';
        const numbered = shapes?.classNumbers === undefined ? '' : `, or class numbers 0 to ${shapes.classNumbers - 1}`;
        const kind = shapes?.labelKind ? ` (${shapes.labelKind}${shapes.classes ? `: ${namesText(shapes.classes)}` : numbered})` : '';
        const labels = shapes?.labels ? ` · labels ${formatShape(shapes.labels)}${kind}` : ' · no labels';
        const texts = textColumnsOf(shapes?.encoding);
        const tokens = shapes?.encoding?.text;
        const lengths = shapes?.textLengths;
        const counted = lengths ? `; half its texts have ${lengths.median} words or fewer, 95 in 100 have ${lengths.p95} or fewer, the longest ${lengths.longest}` : '';
        const encoded = tokens ? ` (${tokensText(tokens)}${counted})` : texts.length ? ` (texts one-hot: ${texts.map((e) => `${e.column} ${e.texts}`).join(', ')})` : '';
        return { range, markdown: `**dataset ${s.name}** = ${info?.decl.source?.callee.text ?? '?'}(...)\n\nfeatures ${feats}${encoded}${labels}${shapes?.size ? ` · ${shapes.size} examples` : ''}` };
      }
      case 'block':
        return { range, markdown: `**block ${s.name}** — defined on ${where}, used ${s.refs.length} time${s.refs.length === 1 ? '' : 's'}` };
      case 'tensor':
        return { range, markdown: `**${s.name}**: \`${s.shape ? formatShape(s.shape) : '?'}\` — tensor in ${s.container}, bound on ${where}` };
      case 'param':
        return { range, markdown: `**${s.name}** — parameter of block ${s.container}` };
    }
  }
  const value = valueHover(path);
  return value ? { range, markdown: value } : undefined;
}

/** How many of a vocabulary's most frequent words a hover names. */
const WORDS_SHOWN = 8;

/** A column of texts read as token ids, in words: its ids and most frequent words. */
function tokensText(tokens: TokenEncoding): string {
  const words = tokens.vocabulary.slice(2);
  const shown = words.slice(0, WORDS_SHOWN).join(', ') + (words.length > WORDS_SHOWN ? ', …' : '');
  return `the last ${tokens.length} words of ${tokens.column} as token ids: ${tokens.vocabulary.length.toLocaleString('en-US')} ids, 0 padding, 1 a word outside the vocabulary, then ${shown}`;
}

/** The layer's doc, its input → output shape and parameter count here, and every parameter in effect. */
function layerHover(step: StepInfo): string {
  const def = step.layer!;
  const lines = [layerDoc(def), '', `\`${shapeFlow(step.inputs, step.output)}\` · ${paramsText(step.params)}`];
  const args = step.args;
  if (args) {
    const shown = def.params.filter((p) => p.type.kind !== 'tensor' && args[p.name] !== undefined);
    if (shown.length) lines.push('', 'In effect:', ...shown.map((p) => `- \`${p.name}: ${formatValue(args[p.name])}\``));
  }
  return lines.join('\n');
}

/** The parameters a call takes: a layer's, a value-table entry's (adam, l2, ...), a dataset source's. */
export function paramsOf(a: Analysis, call: ast.Call): ParamDef[] | undefined {
  const layer = findLayer(call.callee.text);
  if (layer) return layer.params;
  const source = findDataset(call.callee.text);
  if (source) return source.params;
  for (const table of Object.keys(choiceTables) as ChoiceTable[]) {
    const c = findChoice(table, call.callee.text);
    if (c?.params) return c.params;
  }
  const block = a.blocks.get(call.callee.text);
  // A block's parameters all bind by position, in order; a default shows as written (`out = filters * 4`), worked out at each use.
  if (block) return block.params.map((p) => ({ name: p.name.text, type: typeOfDefault(p.default), doc: `Parameter of block ${block.name.text}.`, optional: !!p.default, positional: true, default: p.default && valueText(p.default) }));
  return undefined;
}

/**
 * What a block's parameter takes, as far as its default tells (a block's parameters have no
 * declared type): a value of the table that names it (`act = relu`: an activation), true or
 * false, a string; else a number, what most block parameters are.
 */
function typeOfDefault(v: ast.Value | undefined): ParamType {
  if (v?.kind === 'bool') return { kind: 'bool' };
  if (v?.kind === 'string') return { kind: 'string' };
  if (v?.kind === 'call') {
    const table = (Object.keys(choiceTables) as ChoiceTable[]).find((tb) => findChoice(tb, v.callee.text));
    if (table) return { kind: 'choice', table };
  }
  return { kind: 'float' };
}

/** An identifier used as a value: an activation, initialiser, loss, ... or a dataset source. */
function valueHover(path: Node[]): string | undefined {
  const node = path[path.length - 1] as ast.Ident;
  const source = findDataset(node.text);
  const inDataset = path[0]?.kind === 'dataset';
  if (source && inDataset) return datasetDoc(source);
  for (const table of Object.keys(choiceTables) as ChoiceTable[]) {
    const c = findChoice(table, node.text);
    if (c) return choiceDoc(table, c);
  }
  const layer = findLayer(node.text);
  return layer ? layerDoc(layer) : undefined;
}

/** Class names for a hover line: the first few, then how many more. */
function namesText(names: string[], shown = 8): string {
  const quoted = names.slice(0, shown).map((n) => `\`${n}\``).join(', '); // a name may hold a comma
  return names.length <= shown ? quoted : `${quoted} and ${names.length - shown} more`;
}
