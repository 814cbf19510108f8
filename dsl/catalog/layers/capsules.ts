/** Capsule layers (Sabour, Frosst & Hinton 2017): vectors whose length is a probability. */
import { convLength, known, mulDims, type Padding } from '../../semantics/shape';
import { family, num, pair, requireRank } from '../params';

export const capsuleLayers = family('capsules', {
  primaryCaps: {
    rule: "[h, w, c] → [h'·w'·capsules, dim]",
    doc: 'A convolution whose channels are grouped into capsules of `dim` values, squashed: [h, w, c] becomes [h\'·w\'·capsules, dim].',
    params: [
      { name: 'capsules', type: { kind: 'int', min: 1 }, doc: 'Capsule types per position.', positional: true },
      { name: 'dim', type: { kind: 'int', min: 1 }, doc: 'Values per capsule.', positional: true },
      { name: 'kernel', type: { kind: 'pair', min: 1 }, default: 9, doc: 'Window size: one number or [height, width].' },
      { name: 'strides', type: { kind: 'pair', min: 1 }, default: 2, doc: 'Step of the window.' },
    ],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => {
      const e = requireRank(x, 3, '[height, width, channels]');
      if (e) return e;
      const [kh, kw] = pair(args, 'kernel');
      const [sh, sw] = pair(args, 'strides');
      const h = convLength(x[0], kh, sh, 'valid' as Padding);
      const w = convLength(x[1], kw, sw, 'valid' as Padding);
      if ((known(h) && h <= 0) || (known(w) && w <= 0)) {
        return { code: 'invalid-shape', message: `primaryCaps leaves no output: the input [${x.join(', ')}] is smaller than its ${kh}x${kw} window` };
      }
      return [mulDims(mulDims(h, w), num(args, 'capsules')), num(args, 'dim')];
    },
    paramCount: ({ inputs: [x], args }) => {
      const [kh, kw] = pair(args, 'kernel');
      const out = num(args, 'capsules') * num(args, 'dim');
      return known(x[2]) ? kh * kw * x[2] * out + out : null;
    },
  },
  capsules: {
    rule: '[n, d] → [count, dim]',
    doc: 'A layer of capsules fed by dynamic routing by agreement: [n, d] becomes [count, dim].',
    params: [
      { name: 'count', type: { kind: 'int', min: 1 }, doc: 'Number of output capsules (one per class in a classifier).', positional: true },
      { name: 'dim', type: { kind: 'int', min: 1 }, doc: 'Values per output capsule.', positional: true },
      { name: 'routing', type: { kind: 'int', min: 1, max: 10 }, default: 3, doc: 'Iterations of routing by agreement.' },
    ],
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => requireRank(x, 2, '[capsules, dim]') ?? [num(args, 'count'), num(args, 'dim')],
    paramCount: ({ inputs: [x], args }) =>
      known(x[0]) && known(x[1]) ? x[0] * num(args, 'count') * x[1] * num(args, 'dim') : null,
  },
  capsuleLength: {
    rule: '[n, dim] → [n]',
    doc: 'The length of each capsule vector: [n, dim] becomes [n], the probability that each entity is present.',
    params: [],
    inputs: 'chain',
    outputShape: ({ inputs: [x] }) => requireRank(x, 2, '[capsules, dim]') ?? [x[0]],
    paramCount: () => 0,
  },
});

