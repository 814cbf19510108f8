/** Markdown descriptions of catalogue entries, shared by hover and completion documentation. */
import type { Args, ArgValue, ChoiceDef, DatasetDef, LayerDef, ParamDef, ParamType } from '../catalog';
import { formatShape, type Shape } from '../semantics/shape';

export function typeName(t: ParamType): string {
  switch (t.kind) {
    case 'choice': return t.table;
    case 'pair': return 'int | [int, int]';
    case 'margins': return 'int | [int, int] | [[int, int], [int, int]]';
    case 'list': return `[${typeName(t.of)}]`;
    case 'float': return 'number';
    default: return t.kind;
  }
}

export function formatValue(v: ArgValue | undefined): string {
  if (v === undefined) return '—';
  if (Array.isArray(v)) return `[${v.map((x) => formatValue(x as ArgValue)).join(', ')}]`;
  if (v === null) return '?';
  if (typeof v === 'object') {
    if ('layer' in v) return `${v.layer}(${formatArgs(v.args)})`;
    const args = Object.entries(v.args);
    return args.length ? `${v.name}(${formatArgs(v.args)})` : v.name;
  }
  return String(v);
}

function formatArgs(args: Args): string {
  return Object.entries(args).map(([k, v]) => `${k}: ${formatValue(v)}`).join(', ');
}

export function paramLine(p: ParamDef): string {
  const def = p.default !== undefined ? ` = ${formatValue(p.default)}` : p.optional ? '?' : '';
  return `${p.name}: ${typeName(p.type)}${def}`;
}

export function signature(name: string, params: ParamDef[]): string {
  return `${name}(${params.map(paramLine).join(', ')})`;
}

export function paramDoc(p: ParamDef): string {
  return `\`${paramLine(p)}\`${p.positional ? ' (positional)' : ''}\n\n${p.doc}`;
}

export function layerDoc(def: LayerDef): string {
  return [`**${def.name}** (${def.family}) — ${def.doc}`, '', `Shape: \`${def.rule}\``, '', '```dlnet', signature(def.name, def.params.filter((p) => p.type.kind !== 'tensor')), '```'].join('\n');
}

export function choiceDoc(table: string, def: ChoiceDef): string {
  const params = def.params?.length ? `\n\n\`${signature(def.name, def.params)}\`` : '';
  return `**${def.name}** (${table}) — ${def.doc}${params}`;
}

export function datasetDoc(def: DatasetDef): string {
  return `**${def.name}** (dataset source) — ${def.doc}\n\n\`${signature(def.name, def.params)}\``;
}

export function paramsText(n: number | null | undefined): string {
  return n === null || n === undefined ? '? params' : `${n.toLocaleString('en')} param${n === 1 ? '' : 's'}`;
}

export function shapeFlow(inputs: Shape[], output: Shape | undefined): string {
  const ins = inputs.map(formatShape).join(', ') || '?';
  return `${ins} → ${output ? formatShape(output) : '?'}`;
}
