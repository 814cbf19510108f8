/**
 * The ways Keras gives a model its input, each turned by a fix into dlnet's one way,
 * `input x: [28, 28, 1]`: a first layer's `input_shape`, and `Input(shape=...)`.
 */
import { choiceAlias, fold, inputShapeParameter } from '../catalog/aliases';
import type { Fix, TextEdit } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { withoutItem } from '../syntax/range';
import { valueText } from '../syntax/value-text';

/** A size as written in a shape, `?` for Keras's None; undefined for what a shape cannot hold. */
function sizeText(v: ast.Value): string | undefined {
  if (v.kind === 'number') return v.text;
  if (v.kind === 'arith') return valueText(v);
  if (v.kind === 'unknown') return '?';
  if (v.kind === 'call' && !v.args) return v.callee.text === 'None' ? '?' : v.callee.text;
  return undefined;
}

/** The shape a list of sizes writes, `[28, 28, 1]`; undefined where an item is no size. */
function shapeText(sizes: ast.Value[]): string | undefined {
  const texts = sizes.map(sizeText);
  return texts.length === 0 || texts.some((t) => t === undefined) ? undefined : `[${texts.join(', ')}]`;
}

/** A name for a new input that the body does not bind. */
export const freeName = (taken: (name: string) => boolean): string | undefined => ['x', 'inputs', 'features'].find((n) => !taken(n));

/**
 * Keras's first layer, `conv2d(8, kernel: 3, input_shape: [28, 28, 1])`, in a model with
 * no input: the fix declares that input above the layer and takes the argument out.
 */
export function inputFromShapeArgument(call: ast.Call, taken: (name: string) => boolean, lineBreak: string): Fix[] | undefined {
  const arg = call.args?.find((a) => a.name && inputShapeParameter(a.name.text));
  if (!arg?.name || !arg.value) return undefined;
  const kind = inputShapeParameter(arg.name.text);
  let sizes: ast.Value[];
  if (kind === 'inputdim' && arg.value.kind === 'number') sizes = [arg.value];
  else if ((kind === 'inputshape' || kind === 'batchinputshape') && arg.value.kind === 'list') sizes = kind === 'batchinputshape' ? arg.value.items.slice(1) : arg.value.items;
  else return undefined;
  const shape = shapeText(sizes);
  const name = freeName(taken);
  if (!shape || !name) return undefined;
  const at = call.range.start;
  const declaration = `input ${name}: ${shape}`;
  return [{
    title: `Declare the input from ${arg.name.text}: ${declaration}`,
    edits: [{ range: { start: at, end: at }, newText: `${declaration}${lineBreak}${' '.repeat(at.character)}` }, { range: withoutItem(call.args!, arg), newText: '' }],
    preferred: true,
  }];
}

/**
 * A statement that is Keras's `Input(shape=(28, 28, 1))` (or `InputLayer`), bound to a
 * name or not: the dlnet input it means, and the fix that writes it in its place (the
 * name it was bound to names the input). Undefined for any other statement, or where the
 * shape is not one dlnet can write.
 */
export function inputFromKerasInput(stmt: ast.ChainStmt, call: ast.Call, taken: (name: string) => boolean): { declaration: string; fix: Fix; stmt: ast.InputStmt } | undefined {
  // Looked at for every statement: the first letter settles most.
  const first = call.callee.text.charCodeAt(0);
  if (first !== 0x49 && first !== 0x69) return undefined;
  const callee = fold(call.callee.text);
  if (callee !== 'input' && callee !== 'inputlayer') return undefined;
  const given = (names: string[]) => call.args?.find((a) => a.name && names.includes(fold(a.name.text)));
  const shapeArg = given(['shape', 'inputshape']) ?? given(['batchshape', 'batchinputshape']) ?? call.args?.find((a) => !a.name);
  if (shapeArg?.value?.kind !== 'list') return undefined;
  const batch = shapeArg.name !== undefined && fold(shapeArg.name.text).startsWith('batch');
  const shape = shapeText(batch ? shapeArg.value.items.slice(1) : shapeArg.value.items);
  const name = stmt.target?.text ?? freeName(taken);
  if (!shape || !name) return undefined;
  const dtypeArg = given(['dtype'])?.value;
  const dtype = dtypeArg?.kind === 'string' ? dtypeArg.value : dtypeArg?.kind === 'call' && !dtypeArg.args ? dtypeArg.callee.text : undefined;
  // `dtype="int64"` or `"int"`, as numpy spells token ids, is int32 here too.
  const int = dtype !== undefined && (dtype === 'int32' || choiceAlias('dtype', dtype) === 'int32') && dtypeArg ? { kind: 'ident' as const, text: 'int32', range: dtypeArg.range } : undefined;
  const declaration = `input ${name}: ${shape}${int ? ' int32' : ''}`;
  const edit: TextEdit = { range: { start: stmt.range.start, end: call.range.end }, newText: declaration };
  // Unnamed: the statement binds its own name, as for any chain.
  const sizes = { ...shapeArg.value, items: batch ? shapeArg.value.items.slice(1) : shapeArg.value.items };
  const read: ast.InputStmt = { kind: 'input', name: undefined, shape: sizes, dtype: int, keyword: call.callee.range, range: stmt.range };
  return { declaration, fix: { title: `Write it as ${declaration}`, edits: [edit], preferred: true }, stmt: read };
}
