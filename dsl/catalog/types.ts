/**
 * The shapes of catalogue entries. One table per concept (layers, activations,
 * initialisers, losses, optimisers, metrics, datasets, train settings) drives the
 * checker, completion, hover, signature help, the docs and the runtime's compiler.
 */
import type { Shape } from '../semantics/shape';

/** The named value tables that enum-typed parameters draw from. */
export type ChoiceTable =
  | 'activation' | 'initializer' | 'regularizer' | 'padding' | 'dtype' | 'mergeMode'
  | 'loss' | 'optimizer' | 'metric' | 'schedule' | 'earlyStopping' | 'monitor' | 'gaps' | 'target';

/** What a file a source reads holds: a table (CSV) or images or labels in the IDX format. */
export type FileKind = 'table' | 'idx';

export type ParamType =
  | { kind: 'int'; min?: number; max?: number }
  | { kind: 'float'; min?: number; max?: number; maxExclusive?: boolean }
  | { kind: 'bool' }
  /** `file`: a path, relative to the .dlnet file, of a file of that kind (editors offer those near it). */
  | { kind: 'string'; file?: FileKind }
  | { kind: 'choice'; table: ChoiceTable }
  /** A number or a pair: `kernel: 3` or `kernel: [3, 5]`. */
  | { kind: 'pair'; min?: number }
  /** Margins of an image: `1`, `[rows, cols]` or, as Keras writes it, `[[top, bottom], [left, right]]`. */
  | { kind: 'margins'; min?: number }
  | { kind: 'ints' }
  /** A target shape; `-1` once for "whatever is left". */
  | { kind: 'shape' }
  /** Another layer, as in `bidirectional(lstm(32))`. */
  | { kind: 'layer' }
  /** A tensor bound by name in the model (merge inputs). */
  | { kind: 'tensor' }
  | { kind: 'dataset' }
  | { kind: 'list'; of: ParamType };

/** A value chosen from a table, with its own arguments: `heNormal`, `l2(0.01)`, `adam(learningRate: 0.03)`. */
export interface Choice {
  name: string;
  args: Record<string, ArgValue>;
}

/** A layer passed as an argument, bound against its own definition. */
export interface LayerArg {
  layer: string;
  args: Args;
}

export type ArgValue = number | string | boolean | number[] | Shape | Choice | LayerArg | ArgValue[];
export type Args = Record<string, ArgValue>;

export interface ParamDef {
  name: string;
  type: ParamType;
  doc: string;
  /** Absent means required (unless `optional`). */
  default?: ArgValue;
  /** May be left out with no default: the layer then does without it. */
  optional?: boolean;
  /** Can be passed by position, in declaration order. */
  positional?: boolean;
  /** Takes every remaining positional argument (merge inputs). */
  variadic?: boolean;
}

/** A shape rule's complaint; the checker adds where the input came from and the fix. */
export interface ShapeError {
  code: 'rank-mismatch' | 'shape-mismatch' | 'invalid-shape' | 'invalid-argument';
  /** For rank-mismatch: "a rank-3 input [height, width, channels]". */
  expected?: string;
  message?: string;
  /** A repair the checker can turn into a text edit. */
  hint?: FixHint;
}

export type FixHint =
  | { kind: 'insert-before'; text: string; title: string }
  | { kind: 'return-sequences' }
  /** The layer's argument `name` set to `text`: a choice the user makes, unless `certain` (the value written can only have meant it). */
  | { kind: 'set-argument'; name: string; text: string; title: string; certain?: boolean };

export interface ShapeContext {
  /** One shape per tensor input (merge layers get several). */
  inputs: Shape[];
  args: Args;
}

export type Family = 'core' | 'activation' | 'regularisation' | 'convolution' | 'pooling' | 'recurrent' | 'merge' | 'regions' | 'capsules' | 'attention';

export interface LayerDef {
  name: string;
  family: Family;
  doc: string;
  /** The shape rule in words, for hover and the reference: "[h, w, c] → [h', w', filters]". */
  rule: string;
  params: ParamDef[];
  /** 'chain': takes the previous step's output; 'merge': takes the tensors it names. */
  inputs: 'chain' | 'merge';
  /** Its inputs must have one shape (element-wise merges); the checker warns when they have it only for some values of symbolic sizes. */
  sameShapeInputs?: boolean;
  outputShape(ctx: ShapeContext): Shape | ShapeError;
  /** Trainable and non-trainable weights, as tfjs counts them; null when a size is unknown. */
  paramCount(ctx: ShapeContext): number | null;
  /** The activation the layer applies, for lints and loss checks. */
  activation?(args: Args): string | undefined;
  /** The weight initialiser feeding that activation, when the layer has one. */
  initializer?(args: Args): Choice | undefined;
}

/** An entry in a value table (activations, initialisers, losses, ...). */
export interface ChoiceDef {
  name: string;
  doc: string;
  params?: ParamDef[];
}

export function isShapeError(x: Shape | ShapeError): x is ShapeError {
  return !Array.isArray(x);
}
