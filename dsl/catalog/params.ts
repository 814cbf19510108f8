/** Parameter definitions shared by many layers, and typed access to bound arguments. */
import type { Args, ArgValue, Choice, LayerDef, ParamDef, ShapeError } from './types';
import { formatShape, normaliseAxis, type Shape } from '../semantics/shape';

export const units = (doc = 'Number of output units.'): ParamDef => ({ name: 'units', type: { kind: 'int', min: 1 }, doc, positional: true });
export const filters = (doc = 'Number of output channels (filters).'): ParamDef => ({ name: 'filters', type: { kind: 'int', min: 1 }, doc, positional: true });
export const activation = (def = 'linear'): ParamDef => ({ name: 'activation', type: { kind: 'choice', table: 'activation' }, default: choice(def), doc: 'Activation applied to the output.' });
export const init = (name = 'init', def = 'glorotUniform', doc = 'Initialiser of the kernel weights.'): ParamDef => ({ name, type: { kind: 'choice', table: 'initializer' }, default: choice(def), doc });
export const useBias: ParamDef = { name: 'useBias', type: { kind: 'bool' }, default: true, doc: 'Whether the layer adds a learned bias.' };
export const kernelRegularizer: ParamDef = { name: 'kernelRegularizer', type: { kind: 'choice', table: 'regularizer' }, optional: true, doc: 'Penalty on the kernel weights, such as l2(0.01).' };
export const padding: ParamDef = { name: 'padding', type: { kind: 'choice', table: 'padding' }, default: choice('valid'), doc: "'valid' (no padding, the output shrinks) or 'same' (the output keeps the input size at stride 1)." };
export const kernel = (positional = true): ParamDef => ({ name: 'kernel', type: { kind: 'pair', min: 1 }, doc: 'Window size: one number, or [height, width].', positional });
export const strides: ParamDef = { name: 'strides', type: { kind: 'pair', min: 1 }, default: 1, doc: 'Step of the window: one number, or [height, width].' };
export const dilation: ParamDef = { name: 'dilation', type: { kind: 'pair', min: 1 }, default: 1, doc: 'Spacing between kernel elements (atrous convolution).' };
export const rate = (doc: string): ParamDef => ({ name: 'rate', type: { kind: 'float', min: 0, max: 1, maxExclusive: true }, doc, positional: true });
export const axis = (def = -1): ParamDef => ({ name: 'axis', type: { kind: 'int' }, default: def, doc: 'Axis to act on; negative counts from the end.' });

export function choice(name: string, args: Record<string, ArgValue> = {}): Choice {
  return { name, args };
}

export function num(args: Args, name: string): number {
  return args[name] as number;
}

export function bool(args: Args, name: string): boolean {
  return args[name] as boolean;
}

export function choiceName(args: Args, name: string): string | undefined {
  const v = args[name] as Choice | undefined;
  return v?.name;
}

/** `3` → [3, 3]; `[3, 5]` → [3, 5]. */
export function pairOf(v: unknown): [number, number] {
  if (Array.isArray(v)) return [Number(v[0]), Number(v[1] ?? v[0])];
  return [Number(v), Number(v)];
}

export function pair(args: Args, name: string): [number, number] {
  return pairOf(args[name]);
}

/** Rows and columns added or removed on each side, as [[top, bottom], [left, right]]. */
export type Margins = [[number, number], [number, number]];

/** `1` → [[1, 1], [1, 1]]; `[1, 2]` → [[1, 1], [2, 2]]; `[[0, 1], [2, 3]]` as it is. */
export function marginsOf(v: unknown): Margins {
  if (Array.isArray(v) && Array.isArray(v[0])) return [pairOf(v[0]), pairOf(v[1])];
  const [rows, cols] = pairOf(v);
  return [[rows, rows], [cols, cols]];
}

export function rankError(expected: string): ShapeError {
  return { code: 'rank-mismatch', expected };
}

/** Rank check used by most shape rules; `words` names the axes ("[height, width, channels]"). */
export function requireRank(input: Shape, rank: number, words: string): ShapeError | undefined {
  return input.length === rank ? undefined : rankError(`a rank-${rank} input ${words}`);
}

export function requireMinRank(input: Shape, rank: number, words: string): ShapeError | undefined {
  return input.length >= rank ? undefined : rankError(`an input of rank ${rank} or more ${words}`);
}

export function requireMaxRank(input: Shape, rank: number, words: string): ShapeError | undefined {
  return input.length <= rank ? undefined : rankError(`an input of rank ${rank} or less ${words}`);
}

export function mismatch(message: string): ShapeError {
  return { code: 'shape-mismatch', message };
}

export const describe = formatShape;

type LayerBody = Omit<LayerDef, 'name' | 'family'>;

/** Names each entry after its key, so a layer's name is written once. */
export function family<K extends string>(fam: LayerDef['family'], defs: Record<K, LayerBody>): Record<K, LayerDef> {
  const out = {} as Record<K, LayerDef>;
  for (const key of Object.keys(defs) as K[]) out[key] = { name: key, family: fam, ...defs[key] };
  return out;
}

/** An `axis` argument that names no axis of the input (axes count from the first one after the batch). */
export function requireAxis(x: Shape, args: Args, owner: string): ShapeError | undefined {
  const axis = num(args, 'axis');
  if (normaliseAxis(axis, x.length) !== undefined) return undefined;
  const message = `${owner} axis ${axis} is outside a rank-${x.length} input ${formatShape(x)} (axes ${-x.length} to ${x.length - 1})`;
  // One past the last: counted as Keras and PyTorch count, with the batch axis first (PyTorch's softmax(dim=1)), the only axis it can mean.
  if (axis !== x.length || x.length === 0) return { code: 'invalid-argument', message };
  return {
    code: 'invalid-argument',
    message: `${message}; counted as Keras and PyTorch count, with the batch axis first, that is dlnet's axis ${x.length - 1}`,
    hint: { kind: 'set-argument', name: 'axis', text: String(x.length - 1), title: `Use axis: ${x.length - 1} (counted without the batch axis)`, certain: true },
  };
}

/** Layers that act element-wise: output shape = input shape, no weights. */
export function elementwise(doc: string, params: ParamDef[] = [], act?: string): LayerBody {
  return {
    doc,
    rule: '[...] → the same shape',
    params,
    inputs: 'chain',
    outputShape: ({ inputs }) => inputs[0],
    paramCount: () => 0,
    activation: act ? () => act : undefined,
  };
}
