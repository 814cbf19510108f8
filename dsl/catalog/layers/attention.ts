/** Attention (Vaswani et al. 2017): each step of a sequence a weighted mix of every step, weighted by how well their keys match its query. */
import { known, type Shape } from '../../semantics/shape';
import { family, num, requireRank } from '../params';
import type { Args, ShapeError } from '../types';

/** The size of each head's queries and keys: as given, or the input's features split between the heads (PyTorch's way); a ShapeError where they do not split. */
function keySize(x: Shape, args: Args): number | null | ShapeError {
  if (args.keyDim !== undefined) return num(args, 'keyDim');
  const heads = num(args, 'heads');
  const d = x[1];
  if (!known(d)) return null;
  if (d % heads !== 0) {
    return { code: 'invalid-argument', message: `selfAttention splits the ${d} features of each step between its ${heads} heads, which does not divide: give keyDim, or a number of heads that divides ${d}`, hint: { kind: 'set-argument', name: 'keyDim', text: String(Math.max(1, Math.round(d / heads))), title: `Give each head keyDim: ${Math.max(1, Math.round(d / heads))}` } };
  }
  return d / heads;
}

/** The longest sequence a positionEmbedding takes: as given, or the input's length where it is fixed; a ShapeError where neither tells. */
function longest(x: Shape, args: Args): number | ShapeError {
  const length = x[0];
  if (args.maxLength === undefined) {
    return known(length) ? length : { code: 'invalid-argument', message: `positionEmbedding needs maxLength: the input's length ${length ?? '?'} is not fixed, and each position up to the longest needs its vector` };
  }
  const most = num(args, 'maxLength');
  if (known(length) && length > most) return { code: 'invalid-argument', message: `positionEmbedding has vectors for ${most} positions (maxLength), but its input has ${length} steps`, hint: { kind: 'set-argument', name: 'maxLength', text: String(length), title: `Set maxLength: ${length}`, certain: true } };
  return most;
}

/** Each head's size in a checked selfAttention (its keyDim, or the input's features / heads): what the runtime and the PyTorch export build. */
export const headSize = (x: Shape, args: Args): number => keySize(x, args) as number;

/** The positions of a checked positionEmbedding (its maxLength, or the input's fixed length). */
export const positionCount = (x: Shape, args: Args): number => longest(x, args) as number;

export const attentionLayers = family('attention', {
  selfAttention: {
    rule: '[T, d] → [T, d]',
    doc: "Multi-head self-attention: each step of the sequence becomes a mix of every step's values, weighted by how well their keys match its query, in each head; the heads' results are projected back to the input's size. With causal: true a step sees only itself and earlier steps.",
    params: [
      { name: 'heads', type: { kind: 'int', min: 1 }, doc: 'Number of attention heads, each with its own queries, keys and values.', positional: true },
      { name: 'keyDim', type: { kind: 'int', min: 1 }, optional: true, doc: "Size of each head's queries, keys and values (default: the input's features / heads, as PyTorch's MultiheadAttention)." },
      { name: 'causal', type: { kind: 'bool' }, default: false, doc: 'Each step attends only to itself and the steps before it (a language model, which must not see the future).' },
    ],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => {
      const e = requireRank(x, 2, '[steps, features]');
      if (e) return e;
      const k = keySize(x, args);
      return k !== null && typeof k === 'object' ? k : x;
    },
    paramCount: ({ inputs: [x], args }) => {
      const k = keySize(x, args);
      const d = x[1];
      if (k === null || typeof k === 'object' || !known(d)) return null;
      const hk = num(args, 'heads') * k;
      // Queries, keys and values: d → heads·k each, with biases; the output: heads·k → d, with a bias.
      return 3 * (d * hk + hk) + hk * d + d;
    },
  },
  positionEmbedding: {
    rule: '[T, d] → [T, d]',
    doc: 'Adds a learned vector for each position to the step there, so that attention, which sees the steps as a set, can tell their order: [T, d] stays [T, d].',
    params: [
      { name: 'maxLength', type: { kind: 'int', min: 1 }, optional: true, positional: true, doc: "The most steps it takes (default: the input's length, where it is fixed)." },
    ],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => {
      const e = requireRank(x, 2, '[steps, features]');
      if (e) return e;
      const most = longest(x, args);
      return typeof most === 'number' ? x : most;
    },
    paramCount: ({ inputs: [x], args }) => {
      const most = longest(x, args);
      return typeof most === 'number' && known(x[1]) ? most * x[1] : null;
    },
  },
});
