/** Layers that combine tensors named in their arguments. */
import { addDims, compareDims, compareShapes, formatShape, mostKnown, normaliseAxis, type Dim, type Shape } from '../../semantics/shape';
import { axis, family, mismatch, num, requireAxis } from '../params';
import type { Args, LayerDef, ParamDef, ShapeError } from '../types';

const tensors: ParamDef = { name: 'inputs', type: { kind: 'tensor' }, doc: 'The tensors to combine, by name.', positional: true, variadic: true };

function sameShapes(name: string, inputs: Shape[], exactly?: number): Shape | ShapeError {
  if (exactly !== undefined ? inputs.length !== exactly : inputs.length < 2) {
    return { code: 'invalid-argument', message: `${name} takes ${exactly ?? 'at least 2'} tensors, got ${inputs.length}` };
  }
  for (let i = 1; i < inputs.length; i++) {
    if (compareShapes(inputs[0], inputs[i]) === 'differ') {
      return mismatch(`${name} needs tensors of the same shape, got ${inputs.map(formatShape).join(' and ')}`);
    }
  }
  return mostKnown(inputs);
}

const elementwise = (name: string, doc: string, exactly?: number): Omit<LayerDef, 'name' | 'family'> => ({
  doc,
  rule: 'tensors of one shape → that shape',
  params: [tensors],
  inputs: 'merge',
  sameShapeInputs: true,
  outputShape: ({ inputs }) => sameShapes(name, inputs, exactly),
  paramCount: () => 0,
});

function concat(inputs: Shape[], args: Args): Shape | ShapeError {
  if (inputs.length < 2) return { code: 'invalid-argument', message: `concat takes at least 2 tensors, got ${inputs.length}` };
  const rank = inputs[0].length;
  const outside = requireAxis(inputs[0], args, 'concat');
  if (outside) return outside;
  const ax = normaliseAxis(num(args, 'axis'), rank)!;
  let total: Dim = 0;
  for (const s of inputs) {
    if (s.length !== rank) return { code: 'rank-mismatch', message: `concat needs tensors of the same rank, got ${inputs.map(formatShape).join(' and ')}` };
    for (let i = 0; i < rank; i++) {
      if (i !== ax && compareDims(s[i], inputs[0][i]) === 'differ') {
        return mismatch(`concat needs equal sizes on every axis but ${num(args, 'axis')}, got ${inputs.map(formatShape).join(' and ')}`);
      }
    }
    total = addDims(total, s[ax]);
  }
  return mostKnown(inputs).map((d, i) => (i === ax ? total : d));
}

function dot(inputs: Shape[], args: Args): Shape | ShapeError {
  if (inputs.length !== 2) return { code: 'invalid-argument', message: `dot takes 2 tensors, got ${inputs.length}` };
  const [a, b] = inputs;
  const axes = Array.isArray(args.axes) ? (args.axes as number[]) : [num(args, 'axes'), num(args, 'axes')];
  const ia = normaliseAxis(axes[0], a.length);
  const ib = normaliseAxis(axes[1], b.length);
  if (ia === undefined || ib === undefined) return { code: 'invalid-argument', message: `dot axes [${axes.join(', ')}] are outside the inputs ${formatShape(a)} and ${formatShape(b)}` };
  if (compareDims(a[ia], b[ib]) === 'differ') {
    return mismatch(`dot multiplies axis ${axes[0]} of ${formatShape(a)} with axis ${axes[1]} of ${formatShape(b)}: sizes ${a[ia]} and ${b[ib]} differ`);
  }
  const out = [...a.filter((_, i) => i !== ia), ...b.filter((_, i) => i !== ib)];
  return out.length === 0 ? [1] : out;
}

export const mergeLayers = family('merge', {
  add: elementwise('add', 'Adds tensors of the same shape element by element.'),
  subtract: elementwise('subtract', 'Subtracts the second tensor from the first.', 2),
  multiply: elementwise('multiply', 'Multiplies tensors of the same shape element by element.'),
  average: elementwise('average', 'Averages tensors of the same shape element by element.'),
  maximum: elementwise('maximum', 'Takes the element-wise maximum of tensors of the same shape.'),
  concat: {
    rule: 'shapes equal except on axis → sizes on axis added',
    doc: 'Joins tensors along an axis; every other axis must agree.',
    params: [tensors, axis()],
    inputs: 'merge',
    outputShape: ({ inputs, args }) => concat(inputs, args),
    paramCount: () => 0,
  },
  dot: {
    rule: '[..., n] · [..., n] → remaining axes ([1] for two vectors)',
    doc: 'Dot product of two tensors along the given axes (cosine similarity with normalize: true).',
    params: [
      tensors,
      { name: 'axes', type: { kind: 'pair' }, default: -1, doc: 'Axis of each input to multiply along: one number or [a, b].' },
      { name: 'normalize', type: { kind: 'bool' }, default: false, doc: 'L2-normalise both inputs first (cosine similarity).' },
    ],
    inputs: 'merge',
    outputShape: ({ inputs, args }) => dot(inputs, args),
    paramCount: () => 0,
  },
});

