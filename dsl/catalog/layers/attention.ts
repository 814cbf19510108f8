/** Attention (Vaswani et al. 2017): each step of a sequence a weighted mix of every step, weighted by how well their keys match its query. */
import { known } from '../../semantics/shape';
import { family, num, requireRank } from '../params';
import type { Shape } from '../../semantics/shape';
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
});
