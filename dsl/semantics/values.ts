/**
 * Binding call arguments to parameter definitions: positional and named arguments,
 * defaults, type and range checks, block parameters substituted by the values given
 * at the block's use. One binder serves layers, blocks' callees, value-table entries
 * (initialisers, optimisers, ...), dataset sources and train settings.
 */
import { choiceAlias, choiceTables, findChoice, findDataset, findLayer, inputShapeParameter, layerAlias, layerNames, logitsLoss, pairedParameter, parameterAlias, unneededParameter, type Args, type ArgValue, type Choice, type ChoiceDef, type ChoiceTable, type ParamDef, type ParamType } from '../catalog';
import { fold } from '../catalog/aliases';
import { diagnostic, replaceWith, type Diagnostic, type Fix, type TextEdit } from '../diagnostics';
import { fitted } from '../fitted';
import type * as ast from '../syntax/ast';
import { alongLine, withoutItem, type Range } from '../syntax/range';
import { valueText } from '../syntax/value-text';
import { applyOp, shownResult, type Operand } from './arithmetic';
import type { Dim } from './shape';
import { closest } from '../suggest';

/** A value that depends on a block parameter whose value is not known here. */
export const UNKNOWN = Symbol('unknown');
export type Evaluated = ArgValue | typeof UNKNOWN;

export interface ValueScope {
  /** A block parameter: the value given at the use site, or 'unknown' when checking the block alone. */
  param(name: string): { value: ast.Value; scope: ValueScope } | 'unknown' | undefined;
  /** Records a reference to a block parameter (for navigation). */
  noteParam?(ident: ast.Ident): void;
  /** Diagnostics go here; a scope may drop them (a block re-checked at each use). */
  report(d: Diagnostic): void;
  /** The names of the block parameters in scope, for "did you mean" (`dense(unit)` in a block of `units`). */
  paramNames?: readonly string[];
}

/**
 * How the default of a block's `index`-th parameter looks up a name at one use: a parameter
 * before it stands for its value there (`given`: `out = filters * 4`); itself or one after it
 * has no value (its default may depend on this one's); any other name is no parameter.
 */
export function paramsBefore(block: ast.BlockDecl, index: number, given: ReadonlyMap<string, { value: ast.Value; scope: ValueScope }>): ValueScope['param'] {
  return (n) => {
    const at = block.params.findIndex((q) => q.name.text === n);
    return at < 0 ? undefined : at < index ? given.get(n) : 'unknown';
  };
}

export interface Bound {
  args: Args;
  /** Some argument depends on an unknown block parameter. */
  unknown: boolean;
  /** Identifiers passed for tensor-typed parameters, in order. */
  tensors: ast.Ident[];
}

const typeWords = (t: ParamType): string => {
  switch (t.kind) {
    case 'int': return 'a whole number';
    case 'float': return 'a number';
    case 'bool': return 'true or false';
    case 'string': return 'a string';
    case 'choice': return `one of the ${t.table} names`;
    case 'pair': return 'a number or a pair [a, b]';
    case 'margins': return 'a number, [rows, cols] or [[top, bottom], [left, right]]';
    case 'ints': return 'a list of whole numbers';
    case 'shape': return 'a shape such as [28, 28, 1]';
    case 'layer': return 'a layer such as lstm(32)';
    case 'tensor': return 'a tensor name';
    case 'dataset': return 'a dataset name';
    case 'list': return `a list of ${typeWords(t.of)}`;
  }
};

function rangeWords(t: { min?: number; max?: number; maxExclusive?: boolean }): string {
  if (t.max === undefined) return `at least ${t.min}`;
  if (t.min === undefined) return `at most ${t.max}`;
  return t.maxExclusive ? `in [${t.min}, ${t.max})` : `from ${t.min} to ${t.max}`;
}

function describeValue(v: ast.Value): string {
  switch (v.kind) {
    case 'number': return v.text;
    case 'string': return JSON.stringify(v.value);
    case 'bool': return String(v.value);
    case 'unknown': return '?';
    case 'list': return 'a list';
    case 'call': return v.args ? `${v.callee.text}(...)` : `'${v.callee.text}'`;
    case 'arith': return valueText(v);
  }
}

function badValue(value: ast.Value, type: ParamType, scope: ValueScope, what: string): undefined {
  const guess = misspeltParam(value, scope);
  scope.report(diagnostic('invalid-argument', 'error', value.range, `${what} expects ${typeWords(type)}, got ${describeValue(value)}${guess ? `; did you mean the parameter '${guess}'?` : ''}`, {
    fixes: guess ? replaceWith(value.range, guess) : undefined,
  }));
  return undefined;
}

/** The block parameter a bare name that is none means, if one is close. */
function misspeltParam(value: ast.Value, scope: ValueScope): string | undefined {
  if (value.kind !== 'call' || value.args || !scope.paramNames?.length) return undefined;
  return closest(value.callee.text, scope.paramNames);
}

/**
 * A number read from the tree comes boxed: a literal's value field also holds fractions
 * (0.25), so V8 stores it as a double. A whole number is handed on as a small integer,
 * or the arguments, shapes and parameter counts made from it would each keep a box too
 * (a heap object apiece for the garbage collector to copy; docs/performance.md).
 */
function unboxed(v: number): number {
  return v === (v | 0) ? v | 0 : v;
}

/** Evaluates a value against a parameter type; undefined after reporting an error. */
export function evaluate(value: ast.Value, type: ParamType, scope: ValueScope, what: string): Evaluated | undefined {
  // A bare name that is a block parameter stands for the value given at the use.
  if (value.kind === 'call' && !value.args && type.kind !== 'tensor') {
    const p = scope.param(value.callee.text);
    if (p !== undefined) {
      scope.noteParam?.(value.callee);
      return p === 'unknown' ? UNKNOWN : evaluate(p.value, type, p.scope, what);
    }
  }
  switch (type.kind) {
    case 'int':
    case 'float': {
      if (value.kind === 'arith') return evaluateArith(value, type, scope, what);
      if (value.kind !== 'number') return badValue(value, type, scope, what);
      if (type.kind === 'int' && !Number.isInteger(value.value)) return badValue(value, type, scope, what);
      return inRange(value.value, value.text, value.range, type, scope, what);
    }
    case 'bool': {
      if (value.kind === 'bool') return value.value;
      // True and False, as Python writes them.
      const python = value.kind === 'call' && !value.args && (value.callee.text === 'True' || value.callee.text === 'False') ? value.callee.text.toLowerCase() : undefined;
      if (!python) return badValue(value, type, scope, what);
      scope.report(diagnostic('invalid-argument', 'error', value.range, `${what} expects true or false, got '${(value as ast.Call).callee.text}'; write it in lower case: ${python}`, {
        fixes: [{ title: `Change to ${python}`, edits: [{ range: value.range, newText: python }], preferred: true }],
      }));
      return undefined;
    }
    case 'string':
      return value.kind === 'string' ? value.value : badValue(value, type, scope, what);
    case 'choice':
      return evaluateChoice(value, type.table, scope, what);
    case 'pair': {
      if (value.kind === 'number' || value.kind === 'arith') return evaluate(value, { kind: 'int', min: type.min }, scope, what);
      if (value.kind !== 'list' || value.items.length !== 2) return badValue(value, type, scope, what);
      const items = value.items.map((i) => evaluate(i, { kind: 'int', min: type.min }, scope, what));
      if (items.some((i) => i === undefined)) return undefined;
      return items.some((i) => i === UNKNOWN) ? UNKNOWN : (items as number[]);
    }
    case 'margins': {
      if (value.kind !== 'list' || !value.items.some((i) => i.kind === 'list')) return evaluate(value, { kind: 'pair', min: type.min }, scope, what);
      if (value.items.length !== 2) return badValue(value, type, scope, what);
      const sides = (value as ast.ListLit).items.map((i) => (i.kind === 'list' && i.items.length === 2 ? evaluate(i, { kind: 'pair', min: type.min }, scope, what) : badValue(i, type, scope, what)));
      if (sides.some((s) => s === undefined)) return undefined;
      return sides.some((s) => s === UNKNOWN) ? UNKNOWN : (sides as number[][]);
    }
    case 'ints': {
      if (value.kind !== 'list') return badValue(value, type, scope, what);
      const items = value.items.map((i) => evaluate(i, { kind: 'int' }, scope, what));
      if (items.some((i) => i === undefined)) return undefined;
      return items.some((i) => i === UNKNOWN) ? UNKNOWN : (items as number[]);
    }
    case 'shape':
      return evaluateShape(value, scope, what, true);
    case 'layer': {
      if (value.kind !== 'call') return badValue(value, type, scope, what);
      const def = findLayer(value.callee.text);
      if (!def) {
        const guess = layerAlias(value.callee.text) ?? closest(value.callee.text, layerNames);
        scope.report(diagnostic('unknown-layer', 'error', value.callee.range, `unknown layer '${value.callee.text}'${guess ? `; did you mean '${guess}'?` : ''}`, {
          fixes: replaceWith(value.callee.range, guess),
        }));
        return undefined;
      }
      const bound = bindArgs(def.name, def.params, value, scope);
      if (!bound) return undefined;
      return bound.unknown ? UNKNOWN : { layer: def.name, args: bound.args };
    }
    case 'tensor':
    case 'dataset':
      return value.kind === 'call' && !value.args ? value.callee.text : badValue(value, type, scope, what);
    case 'list': {
      if (value.kind !== 'list') return badValue(value, type, scope, what);
      const items = value.items.map((i) => evaluate(i, type.of, scope, what));
      if (items.some((i) => i === undefined)) return undefined;
      return items.some((i) => i === UNKNOWN) ? UNKNOWN : (items as ArgValue[]);
    }
  }
}

type NumberType = Extract<ParamType, { kind: 'int' | 'float' }>;

/** A number within its parameter's bounds, handed on unboxed; undefined after saying it is not (`text`: as written). */
function inRange(v: number, text: string, range: Range, type: NumberType, scope: ValueScope, what: string): number | undefined {
  if (type.kind === 'int' && Math.abs(v) > MOST_INT) {
    // Whole numbers here are sizes, counts, axes and seeds: TensorFlow.js holds each in 32 bits.
    scope.report(diagnostic('invalid-argument', 'error', range, `${what} is too large: got ${text}, and a whole number here is at most ${MOST_INT.toLocaleString('en-US')}`));
    return undefined;
  }
  const tooBig = type.max !== undefined && ((type as { maxExclusive?: boolean }).maxExclusive ? v >= type.max : v > type.max);
  if ((type.min !== undefined && v < type.min) || tooBig) {
    scope.report(diagnostic('invalid-argument', 'error', range, `${what} must be ${rangeWords(type)}, got ${text}`));
    return undefined;
  }
  return unboxed(v);
}

/** Any number: what arithmetic's operands are worked out as, before the result is held to its parameter's type. */
export const ANY_NUMBER: ParamType = { kind: 'float' };
const MOST_INT = 2 ** 31 - 1;

/**
 * `filters * 4`: each side any number (a block's parameter stands for the value given at
 * the use), the result then held to the parameter's type and bounds.
 */
function evaluateArith(value: ast.Arith, type: NumberType, scope: ValueScope, what: string): Evaluated | undefined {
  const a = evaluate(value.left, ANY_NUMBER, scope, what);
  const b = evaluate(value.right, ANY_NUMBER, scope, what);
  if (a === undefined || b === undefined) return undefined;
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  const r = applyOp(value.op, a as number, b as number) as number | { error: string };
  const text = valueText(value);
  if (typeof r !== 'number') {
    scope.report(diagnostic('invalid-argument', 'error', value.range, `${what}: ${text} has no value: ${r.error}`));
    return undefined;
  }
  if (type.kind === 'int' && !Number.isInteger(r)) {
    const floored = value.op === '/' ? valueText({ ...value, op: '//' }) : undefined;
    scope.report(diagnostic('invalid-argument', 'error', value.range, `${what} expects a whole number, got ${text}, which is ${shownResult(r)}${floored ? `; // divides and rounds down: ${floored} is ${Math.floor(r)}` : ''}`, {
      fixes: floored ? [{ title: `Change to ${floored}`, edits: [{ range: value.range, newText: floored }] }] : undefined,
    }));
    return undefined;
  }
  return inRange(r, `${text}, which is ${shownResult(r)}`, value.range, type, scope, what);
}

/** One value for each choice that takes no arguments (`relu`, `same`): a file names them thousands of times. Frozen, as it is shared. */
const bareChoices = new Map<ChoiceDef, Choice>();
function bareChoice(def: ChoiceDef): Choice {
  let c = bareChoices.get(def);
  if (!c) bareChoices.set(def, (c = Object.freeze({ name: def.name, args: Object.freeze({}) })));
  return c;
}

/** Whether a loss is written as Keras's taking logits: `CategoricalCrossentropy(from_logits: true)` (`True` as Python writes it too: the arguments of a loss that takes none are not read, nor fixed). */
export function fromLogits(loss: ast.Call): boolean {
  const flag = loss.args?.find((a) => a.name && /^from_?logits$/i.test(a.name.text))?.value;
  return flag?.kind === 'bool' ? flag.value : flag?.kind === 'call' && !flag.args && /^true$/i.test(flag.callee.text);
}

function evaluateChoice(value: ast.Value, table: ChoiceTable, scope: ValueScope, what: string): Evaluated | undefined {
  if (table === 'padding' && value.kind === 'number') return countedPadding(value, scope, what);
  if (value.kind !== 'call') {
    // activation: "relu", as Keras takes it: the name is written bare (or its closest, for "he_normal").
    const exact = value.kind === 'string' ? findChoice(table, value.value)?.name : undefined;
    const name = exact ?? (value.kind === 'string' ? choiceAlias(table, value.value) ?? closest(value.value, choiceTables[table].map((c) => c.name)) : undefined);
    const advice = exact ? `; write the name without quotes: ${exact}` : name ? `; did you mean ${name}, without quotes?` : '';
    scope.report(diagnostic('invalid-argument', 'error', value.range, `${what} expects one of the ${table} names, got ${describeValue(value)}${advice}`, {
      fixes: name ? [{ title: `Change to ${name}`, edits: [{ range: value.range, newText: name }], preferred: true }] : undefined,
    }));
    return undefined;
  }
  const def = findChoice(table, value.callee.text);
  if (!def) {
    const param = misspeltParam(value, scope);
    const guess = choiceAlias(table, value.callee.text) ?? closest(value.callee.text, choiceTables[table].map((c) => c.name)) ?? param;
    const names = choiceTables[table].map((c) => c.name);
    // A loss that takes logits (PyTorch's CrossEntropyLoss, Keras's from_logits) is renamed with the model's softmax by the train statement's check (checkLogits), not alone.
    const keras = table === 'loss' && fromLogits(value);
    const alone = !(table === 'loss' && (logitsLoss(value.callee.text) || keras));
    const fixes = replaceWith(value.callee.range, guess, alone);
    // Renamed alone, `(from_logits: true)` goes too: dlnet's losses take no arguments.
    if (keras && fixes && value.args?.length === 1) fixes[0].edits.push({ range: value.argsRange!, newText: '' });
    scope.report(diagnostic('invalid-argument', 'error', value.callee.range,
      `unknown ${table} '${value.callee.text}' for ${what}${guess ? `; did you mean ${guess === param ? 'the parameter ' : ''}'${guess}'?` : ` (expected one of ${names.join(', ')})`}`, { fixes }));
    return undefined;
  }
  if (!def.params?.length) {
    if (value.args?.length) {
      scope.report(diagnostic('invalid-argument', 'error', value.argsRange ?? value.range, `${def.name} takes no arguments`));
      return undefined;
    }
    return bareChoice(def);
  }
  const other = choiceTaking(table, def, value);
  if (other) {
    scope.report(diagnostic('unknown-parameter', 'error', other.arg.range,
      `${def.name} has no parameter '${other.arg.text}'; ${other.choice.name} takes it: ${other.choice.name}(${other.choice.params!.map((p) => p.name).join(', ')})`, {
        fixes: [{ title: `Use ${other.choice.name}`, edits: [{ range: value.callee.range, newText: other.choice.name }, ...respelt(other.choice, value)], preferred: true }],
      }));
    return undefined;
  }
  const bound = bindArgs(def.name, def.params, value, scope);
  if (!bound) return undefined;
  return bound.unknown ? UNKNOWN : { name: def.name, args: bound.args };
}

/**
 * PyTorch's padding, a count of zeros on each side (`padding: 1`): 0 is valid, and
 * `(kernel - 1) / 2` is same, which then gives the very sizes PyTorch's does at any
 * stride (`ceil(n / stride)`): where the call's window says so (`sameWhere`), that fix is safe.
 */
function countedPadding(value: ast.NumberLit, scope: ValueScope, what: string, sameWhere?: string): undefined {
  const valid = value.value === 0;
  scope.report(diagnostic('invalid-argument', 'error', value.range,
    `${what} is same or valid, not a count of zeros as PyTorch's padding: ${value.text}; ${valid ? 'no zeros is valid' : `same pads to keep the size, as PyTorch's (kernel - 1) / 2 does${sameWhere ? ` (here ${value.text} ${sameWhere})` : ''}`}`, {
      fixes: [{ title: `Change to ${valid ? 'valid' : 'same'}`, edits: [{ range: value.range, newText: valid ? 'valid' : 'same' }], preferred: valid || !!sameWhere || undefined }],
    }));
  return undefined;
}

/**
 * Where PyTorch's padding `count` gives the call the sizes same does, what says so: the
 * window (`kernel`, or a max pooling's `pool`) of `2 * count + 1`, or for a transposed
 * convolution (whose output is `(n - 1) * stride - 2 * padding + kernel`) a kernel of
 * `stride + 2 * count`. An average pooling's average differs at the border (PyTorch counts
 * the zeros), so it is never said to be the same.
 */
function paddingAsSame(count: number, owner: string, call: ast.Call, params: ParamDef[]): string | undefined {
  const window = owner.startsWith('maxPool') ? 'pool' : 'kernel';
  const size = numberGiven(call, params, window);
  if (size === undefined) return undefined;
  if (owner.endsWith('Transpose')) {
    const strides = numberGiven(call, params, 'strides') ?? 1;
    return size === strides + 2 * count ? `for a kernel of ${size} at stride ${strides}` : undefined;
  }
  return size === 2 * count + 1 ? `for a ${window === 'pool' ? 'window' : 'kernel'} of ${size}` : undefined;
}

/** The number a call gives parameter `name`, where it is one number written there (by name, or by position in its place). */
function numberGiven(call: ast.Call, params: ParamDef[], name: string): number | undefined {
  const named = call.args?.find((a) => a.name?.text === name)?.value;
  const at = positionalOf(params).findIndex((q) => q.name === name);
  const value = named ?? (at >= 0 ? call.args?.filter((a) => !a.name)[at]?.value : undefined);
  return value?.kind === 'number' ? value.value : undefined;
}

/** The call's argument names spelt otherwise than `choice`'s parameters (`weight_decay`), written as they are. */
function respelt(choice: ChoiceDef, call: ast.Call): TextEdit[] {
  return (call.args ?? []).flatMap((a) => {
    const param = a.name && choice.params?.find((p) => fold(p.name) === fold(a.name!.text));
    return param && param.name !== a.name!.text ? [{ range: a.name!.range, newText: param.name }] : [];
  });
}

/**
 * The value of the table that takes every parameter a call names, where the value called
 * lacks one (`sgd(learningRate: 0.01, momentum: 0.9)`: momentum's). Undefined when the
 * call's value takes them all.
 */
function choiceTaking(table: ChoiceTable, def: ChoiceDef, call: ast.Call): { choice: ChoiceDef; arg: ast.Ident } | undefined {
  // Names as another framework spells them count (`weight_decay` is weightDecay): their own errors rename them after.
  const names = (call.args ?? []).flatMap((a) => (a.name ? [a.name] : []));
  const arg = names.find((n) => !def.params!.some((p) => fold(p.name) === fold(n.text)));
  const choice = arg && valueTaking(table, def, names.map((n) => n.text), arg.text);
  return choice && { choice, arg: arg! };
}

/**
 * Of a table's values other than `def`, the one that takes every parameter named (spelt
 * in any case, with or without underscores): the one named after `lacking` (the parameter
 * `def` lacks), or after `def` (adam's adamw), or else the only one.
 */
export function valueTaking(table: ChoiceTable, def: ChoiceDef, names: readonly string[], lacking: string): ChoiceDef | undefined {
  const candidates = choiceTables[table].filter((c) => c !== def && names.every((n) => c.params?.some((p) => fold(p.name) === fold(n))));
  return candidates.find((c) => c.name === lacking) ?? candidates.find((c) => c.name.startsWith(def.name)) ?? (candidates.length === 1 ? candidates[0] : undefined);
}

/** A shape literal: whole numbers, `?` for unknown, names for symbolic sizes; -1 where `wildcard`. */
export function evaluateShape(value: ast.Value, scope: ValueScope, what: string, wildcard: boolean): Dim[] | typeof UNKNOWN | undefined {
  if (value.kind !== 'list') {
    scope.report(diagnostic('invalid-argument', 'error', value.range, `${what} expects a shape such as [28, 28, 1], got ${describeValue(value)}`));
    return undefined;
  }
  const dims: Dim[] = [];
  let unknown = false;
  for (const item of value.items) {
    if (item.kind === 'number' && !(Number.isInteger(item.value) && (item.value > 0 || (wildcard && item.value === -1)))) {
      scope.report(diagnostic('invalid-shape', 'error', item.range, `sizes in a shape are positive whole numbers${wildcard ? ' (or -1)' : ''}, '?' or a name; got ${item.text}`));
      return undefined;
    }
    const d = dimOf(item, value, scope, what, true);
    if (d === undefined) return undefined;
    if (d === UNKNOWN) unknown = true;
    else dims.push(d);
  }
  return unknown ? UNKNOWN : fitted(dims);
}

/**
 * A size of a shape: a number, `?`, a block parameter's value, a symbolic name, or
 * arithmetic on them (`[T * 2, units // 2]`); `top`: the item itself, not an operand.
 */
function dimOf(item: ast.Value, list: ast.ListLit, scope: ValueScope, what: string, top: boolean): Dim | typeof UNKNOWN | undefined {
  switch (item.kind) {
    case 'unknown': return null;
    case 'number':
      if (Number.isInteger(item.value)) return unboxed(item.value);
      break;
    case 'call': {
      if (item.args) break;
      const p = scope.param(item.callee.text);
      if (p === 'unknown') return UNKNOWN;
      if (p) {
        scope.noteParam?.(item.callee);
        return evaluate(p.value, top ? { kind: 'int', min: 1 } : { kind: 'int' }, p.scope, what) as number | typeof UNKNOWN | undefined;
      }
      if (item.callee.text === 'None') reportNone(list, item, scope, what);
      return item.callee.text;
    }
    case 'arith': {
      const a = dimOf(item.left, list, scope, what, false);
      const b = dimOf(item.right, list, scope, what, false);
      if (a === undefined || b === undefined) return undefined;
      if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
      const r = applyOp(item.op, a, b);
      const wrong = r !== null && typeof r === 'object' ? r.error : typeof r === 'number' && !(Number.isInteger(r) && r > 0) ? `it is ${shownResult(r)}, and sizes are positive whole numbers` : undefined;
      if (wrong) {
        scope.report(diagnostic('invalid-shape', 'error', item.range, `the size ${valueText(item)} has no value: ${wrong}`));
        return undefined;
      }
      return r as Operand;
    }
  }
  scope.report(diagnostic('invalid-shape', 'error', item.range, `sizes in a shape are whole numbers, '?' or a name; got ${describeValue(item)}`));
  return undefined;
}

/**
 * `None` in a shape, as Keras prints and takes one: here it is a size named None. Keras's
 * None is a size not known, `?`; first in an input it is often the batch axis, which
 * dlnet shapes leave out.
 */
function reportNone(list: ast.ListLit, item: ast.Call, scope: ValueScope, what: string): void {
  const next = list.items[1];
  const batch = what === 'input' && list.items[0] === item && next !== undefined;
  // Which one is meant is the writer's to say when both could be: then neither is applied unasked.
  const fixes: Fix[] = [{ title: 'Write ? (a size not known)', edits: [{ range: item.range, newText: '?' }], preferred: !batch }];
  if (batch) fixes.push({ title: 'Leave out the batch axis', edits: [{ range: { start: item.range.start, end: next.range.start }, newText: '' }] });
  scope.report(diagnostic('invalid-shape', 'warning', item.range, "`None` here is a size named None: a size that is not known is written ?, and shapes leave out the batch axis", { fixes }));
}

/** The edit that makes a call's argument `name` say `text`: its value replaced (given by name or by position), or the argument added last. */
export function settingArgument(call: ast.Call, name: string, text: string): TextEdit {
  const existing = givenArgument(call, name);
  if (existing) return { range: existing.value.range, newText: text };
  if (!call.argsRange) {
    const at = call.callee.range.end;
    return { range: { start: at, end: at }, newText: `(${name}: ${text})` };
  }
  const at = alongLine(call.argsRange.end, -1);
  return { range: { start: at, end: at }, newText: `${call.args?.length ? ', ' : ''}${name}: ${text}` };
}

/**
 * The edit that writes `text` as the last item of the call's list argument `name` (`ignore:
 * ["id"]` → `["id", "Name"]`), or the argument with it alone where the call has none;
 * undefined where the argument is given as something other than a list.
 */
export function listArgumentItemAdded(call: ast.Call, name: string, text: string): TextEdit | undefined {
  const given = call.args?.find((a) => a.name?.text === name)?.value;
  if (!given) return settingArgument(call, name, `[${text}]`);
  return given.kind === 'list' ? listItemAdded(given, text) : undefined;
}

/** The edit that writes `text` as the last item of a list written out (`[accuracy]` → `[accuracy, mae]`). */
export function listItemAdded(list: ast.ListLit, text: string): TextEdit {
  const at = alongLine(list.range.end, -1);
  return { range: { start: at, end: at }, newText: `${list.items.length ? ', ' : ''}${text}` };
}

/** The argument a layer's or source's call gives for its parameter `name`, by name or by position (`positionEmbedding(6)`'s maxLength), if any. */
export function givenArgument(call: ast.Call, name: string): ast.Arg | undefined {
  const named = call.args?.find((a) => a.name?.text === name);
  if (named) return named;
  const params = (findLayer(call.callee.text) ?? findDataset(call.callee.text))?.params;
  const index = params ? positionalOf(params).findIndex((p) => p.name === name) : -1;
  return index < 0 ? undefined : call.args?.filter((a) => !a.name)[index];
}

const positionalCache = new WeakMap<ParamDef[], ParamDef[]>();
/** The parameters that take positional arguments, in order (the catalogue's lists are fixed: computed once each). */
function positionalOf(params: ParamDef[]): ParamDef[] {
  let positional = positionalCache.get(params);
  if (!positional) positionalCache.set(params, (positional = params.filter((p) => p.positional)));
  return positional;
}

/**
 * Binds a call's arguments to `params`. Returns undefined when an argument is
 * wrong (after reporting it); missing required parameters are reported too, with
 * `fixesFor`'s fixes where the caller knows values one could take (a table's columns for
 * csv's label).
 */
export function bindArgs(owner: string, params: ParamDef[], call: ast.Call, scope: ValueScope, fixesFor?: (p: ParamDef) => Fix[] | undefined): Bound | undefined {
  const bound: Bound = { args: {}, unknown: false, tensors: [] };
  /** The parameters the call gives, which are the ones seen: a call gives a handful, so a list beats a Set. */
  const given: string[] = [];
  let ok = true;
  const positional = positionalOf(params);
  let nextPositional = 0;
  /** Parameters offered as the fix of a misspelt name: "needs 'label'" would only repeat "did you mean 'label'?". */
  let offered: string[] | undefined;
  for (const arg of call.args ?? []) {
    if (!arg.value) continue; // a parse error already reported
    if (arg.name) {
      const p = params.find((q) => q.name === arg.name!.text);
      if (!p) {
        const habit = otherFrameworksParameter(owner, params, call, arg as ast.Arg & { name: ast.Ident; value: ast.Value });
        if (habit) scope.report(habit);
        else {
          const unseen = params.map((q) => q.name).filter((n) => !given.includes(n));
          const guess = parameterAlias(arg.name.text, unseen) ?? closest(arg.name.text, unseen);
          const known = params.filter((q) => q.type.kind !== 'tensor').map((q) => q.name);
          if (guess) (offered ??= []).push(guess);
          scope.report(diagnostic('unknown-parameter', 'error', arg.name.range,
            `${owner} has no parameter '${arg.name.text}'${guess ? `; did you mean '${guess}'?` : known.length ? ` (it takes ${known.join(', ')})` : ' (it takes none)'}`, {
              fixes: replaceWith(arg.name.range, guess),
            }));
        }
        ok = false;
        continue;
      }
      if (given.includes(p.name) && !p.variadic) {
        scope.report(diagnostic('invalid-argument', 'error', arg.range, `${owner} '${p.name}' is given twice`, {
          fixes: [{ title: `Remove the repeated ${p.name}`, edits: [{ range: withoutItem(call.args!, arg), newText: '' }] }],
        }));
        ok = false;
        continue;
      }
      given.push(p.name);
      if (p.type.kind === 'choice' && p.type.table === 'padding' && arg.value.kind === 'number') {
        // Written here, beside the kernel that says whether the count is same.
        countedPadding(arg.value, scope, `${owner} '${p.name}'`, paddingAsSame(arg.value.value, owner, call, params));
        ok = false;
        continue;
      }
      ok = assign(bound, owner, p, arg.value, scope) && ok;
    } else {
      let p = positional[nextPositional];
      while (p && given.includes(p.name) && !p.variadic) p = positional[++nextPositional];
      if (!p) {
        // Keras and PyTorch pass more by position, in the order the catalogue lists them (conv2d's strides and padding, dense's activation).
        const following = params.find((q) => !q.positional && q.type.kind !== 'tensor' && !given.includes(q.name) && !call.args!.some((a) => a.name?.text === q.name));
        if (following) given.push(following.name);
        const next = following && mayBe(arg.value, following.type) ? following : undefined;
        scope.report(diagnostic('invalid-argument', 'error', arg.range,
          `${owner} takes ${positional.length === 0 ? 'no positional arguments' : `at most ${positional.length} positional argument${positional.length > 1 ? 's' : ''} (${positional.map((q) => q.name).join(', ')})`}; name this one${next ? ` (next in order: ${next.name})` : ''}`, {
            fixes: next && [{ title: `Name it ${next.name}`, edits: [{ range: { start: arg.range.start, end: arg.range.start }, newText: `${next.name}: ` }] }],
          }));
        ok = false;
        continue;
      }
      if (!p.variadic) nextPositional++;
      if (!given.includes(p.name)) given.push(p.name);
      ok = assign(bound, owner, p, arg.value, scope) && ok;
    }
  }
  for (const p of params) {
    if (p.type.kind === 'tensor' || given.includes(p.name)) continue;
    if (p.default !== undefined) bound.args[p.name] = p.default;
    else if (!p.optional) {
      if (!offered?.includes(p.name)) {
        scope.report(diagnostic('invalid-argument', 'error', call.argsRange ?? call.callee.range, `${owner} needs '${p.name}' (${p.doc.replace(/\.$/, '').toLowerCase()})`, { fixes: fixesFor?.(p) }));
      }
      ok = false;
    }
  }
  return ok ? bound : undefined;
}

/**
 * A parameter the call's owner does not have, as Keras or PyTorch pass it: an input's shape
 * (`input_shape`: a model declares its input once), what dlnet knows untold (`in_features`,
 * `batch_first`, `inplace`), or a pair dlnet takes as two (`betas: [0.9, 0.999]`); its
 * diagnostic, or undefined for any other name.
 */
function otherFrameworksParameter(owner: string, params: ParamDef[], call: ast.Call, arg: ast.Arg & { name: ast.Ident; value: ast.Value }): Diagnostic | undefined {
  const without = (preferred?: true): Fix[] => [{ title: `Remove ${arg.name.text}`, edits: [{ range: withoutItem(call.args!, arg), newText: '' }], ...(preferred && { preferred }) }];
  // An embedding's `input_dim` is its vocabulary (dlnet's inputDim), not an input's shape: the name is its own misspelt.
  if (inputShapeParameter(arg.name.text) && !params.some((p) => fold(p.name) === fold(arg.name.text))) {
    return diagnostic('unknown-parameter', 'error', arg.name.range, `${owner} has no parameter '${arg.name.text}': a model declares its input once, as \`input x: [28, 28, 1]\`, and each layer takes the shape before it`, {
      fixes: without(),
    });
  }
  const unneeded = unneededParameter(arg.name.text);
  // `nn.Linear(in_features=784, out_features=128)`: the input's size, which the model already says.
  if (unneeded) return diagnostic('unknown-parameter', 'error', arg.name.range, `${owner} has no parameter '${arg.name.text}': ${unneeded}`, { fixes: without(true) });
  const pair = pairedParameter(arg.name.text);
  if (pair && pair.every((n) => params.some((q) => q.name === n)) && arg.value.kind === 'list' && arg.value.items.length === 2) {
    // `betas: [0.9, 0.999]`: one number each, by name.
    const [first, second] = arg.value.items;
    return diagnostic('unknown-parameter', 'error', arg.name.range, `${owner} has no parameter '${arg.name.text}': it takes ${pair[0]} and ${pair[1]}, a number each`, {
      fixes: [{ title: `Write ${pair[0]} and ${pair[1]}`, edits: [{ range: arg.range, newText: `${pair[0]}: ${valueText(first)}, ${pair[1]}: ${valueText(second)}` }], preferred: true }],
    });
  }
  return undefined;
}

/** Whether a value is of the kind a parameter takes (a name or string for a choice, a number or list for sizes), before it is checked. */
function mayBe(value: ast.Value, type: ParamType): boolean {
  switch (type.kind) {
    case 'choice':
      return value.kind === 'call' || value.kind === 'string';
    case 'bool':
      return value.kind === 'bool';
    case 'int':
    case 'float':
    case 'pair':
    case 'margins':
    case 'ints':
    case 'shape':
      return value.kind === 'number' || value.kind === 'arith' || value.kind === 'list' || value.kind === 'unknown' || (value.kind === 'call' && !value.args);
    default:
      return true;
  }
}

/** Binds one argument to its parameter; false after reporting what is wrong with it (true where it is reported and read as what it means). */
function assign(bound: Bound, owner: string, p: ParamDef, value: ast.Value, scope: ValueScope): boolean {
  if (p.type.kind === 'tensor') {
    if (value.kind === 'call' && !value.args) {
      bound.tensors.push(value.callee);
      return true;
    }
    const names = value.kind === 'list' && value.items.length > 0 && value.items.every((i): i is ast.Call => i.kind === 'call' && !i.args) ? value.items : undefined;
    if (names) {
      // `add([a, b])`, as Keras's Add()([a, b]) gives them: said, and read as the tensors it lists.
      const list = names.map((n) => n.callee.text).join(', ');
      scope.report(diagnostic('invalid-argument', 'error', value.range, `${owner} takes its tensors as arguments of their own, not in a list: ${owner}(${list})`, {
        fixes: [{ title: `Write ${owner}(${list})`, edits: [{ range: value.range, newText: list }], preferred: true }],
      }));
      for (const n of names) bound.tensors.push(n.callee);
      return true;
    }
    scope.report(diagnostic('invalid-argument', 'error', value.range, `${owner} expects tensor names here, got ${describeValue(value)}`));
    return false;
  }
  const v = evaluate(value, p.type, scope, `${owner} '${p.name}'`);
  if (v === undefined) return false;
  if (v === UNKNOWN) bound.unknown = true;
  else bound.args[p.name] = v;
  return true;
}
