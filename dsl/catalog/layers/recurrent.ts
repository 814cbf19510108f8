/** Recurrent layers over sequences [steps, features], and the wrappers around them. */
import { known, mulDims } from '../../semantics/shape';
import { activation, bool, choice, choiceName, family, init, num, requireRank, units } from '../params';
import type { Args, LayerArg, LayerDef, ParamDef, ShapeContext, ShapeError } from '../types';

const SEQUENCE = '[steps, features]';

const recurrentParams = (gated: boolean): ParamDef[] => [
  units('Size of the hidden state.'),
  activation('tanh'),
  ...(gated ? [{ name: 'recurrentActivation', type: { kind: 'choice', table: 'activation' }, default: choice('sigmoid'), doc: 'Activation of the gates.' } satisfies ParamDef] : []),
  { name: 'returnSequences', type: { kind: 'bool' }, default: false, doc: 'Output the state at every step ([steps, units]) instead of only the last ([units]). Needed to stack recurrent layers.' },
  init(),
  init('recurrentInit', 'orthogonal', 'Initialiser of the recurrent weights.'),
  { name: 'dropout', type: { kind: 'float', min: 0, max: 1, maxExclusive: true }, default: 0, doc: 'Dropout on the inputs, while training.' },
  { name: 'recurrentDropout', type: { kind: 'float', min: 0, max: 1, maxExclusive: true }, default: 0, doc: 'Dropout on the recurrent state, while training.' },
];

function recurrent(gates: number, doc: string): Omit<LayerDef, 'name' | 'family'> {
  return {
    doc,
    rule: '[T, f] → [units]; [T, units] with returnSequences: true',
    params: recurrentParams(gates > 1),
    inputs: 'chain',
    outputShape: ({ inputs: [x], args }) => {
      const e = requireRank(x, 2, SEQUENCE);
      if (e) {
        if (x.length === 1) e.hint = { kind: 'return-sequences' };
        // Feature maps [h, w, c] into a recurrent layer: each row a step of w·c features (as the classic MNIST LSTM reads an image).
        if (x.length === 3 && known(x[1]) && known(x[2])) {
          const reshape = `reshape([${known(x[0]) ? x[0] : -1}, ${x[1] * x[2]}])`;
          e.hint = { kind: 'insert-before', text: reshape, title: `Insert ${reshape} (each row a step)` };
        }
        return e;
      }
      return bool(args, 'returnSequences') ? [x[0], num(args, 'units')] : [num(args, 'units')];
    },
    paramCount: ({ inputs: [x], args }) => {
      const u = num(args, 'units');
      return known(x[1]) ? gates * (u * (x[1] + u) + u) : null;
    },
    activation: (args) => choiceName(args, 'activation'),
    initializer: (args) => args.init as never,
  };
}

const inner = (args: Args) => args.layer as LayerArg;

/** Set by the catalogue index: wrappers look their inner layer up by name. */
let lookup: (name: string) => LayerDef | undefined = () => undefined;
export function setLayerLookup(f: typeof lookup): void {
  lookup = f;
}

function innerShape(ctx: ShapeContext): { def: LayerDef; out: ReturnType<LayerDef['outputShape']>; args: Args } | ShapeError {
  const arg = inner(ctx.args);
  const def = lookup(arg.layer);
  if (!def) return { code: 'invalid-argument', message: `unknown layer '${arg.layer}'` };
  return { def, out: def.outputShape({ inputs: ctx.inputs, args: arg.args }), args: arg.args };
}

export const recurrentLayers = family('recurrent', {
  simpleRnn: recurrent(1, 'Fully connected recurrent layer: the state is a function of the input and the previous state. Forgets quickly: prefer lstm or gru for long sequences.'),
  lstm: recurrent(4, 'Long short-term memory: gated memory cells that keep information over many steps.'),
  gru: recurrent(3, 'Gated recurrent unit: an LSTM with fewer gates and weights.'),
  bidirectional: {
    rule: '[T, f] → inner output with the last axis doubled (concat) or kept',
    doc: 'Runs a recurrent layer forwards and backwards over the sequence and merges both outputs.',
    params: [
      { name: 'layer', type: { kind: 'layer' }, doc: 'The recurrent layer to run both ways, such as lstm(32).', positional: true },
      { name: 'mergeMode', type: { kind: 'choice', table: 'mergeMode' }, default: choice('concat'), doc: 'How the two directions combine.' },
    ],
    inputs: 'chain',
    outputShape: (ctx) => {
      const r = innerShape(ctx);
      if ('code' in r) return r;
      if (r.def.family !== 'recurrent' || r.def.name === 'bidirectional') {
        return { code: 'invalid-argument', message: `bidirectional wraps a recurrent layer (simpleRnn, lstm, gru), got ${r.def.name}` };
      }
      if (!Array.isArray(r.out)) return r.out;
      const last = r.out[r.out.length - 1];
      const merged = choiceName(ctx.args, 'mergeMode') === 'concat' ? mulDims(last, 2) : last;
      return [...r.out.slice(0, -1), merged];
    },
    paramCount: (ctx) => {
      const def = lookup(inner(ctx.args).layer);
      const n = def?.paramCount({ inputs: ctx.inputs, args: inner(ctx.args).args });
      return n == null ? null : 2 * n;
    },
  },
  timeDistributed: {
    rule: '[T, ...x] → [T, ...layer(x)]',
    doc: 'Applies a layer to every step of a sequence: [steps, ...] becomes [steps, ...layer output].',
    params: [{ name: 'layer', type: { kind: 'layer' }, doc: 'The layer applied at each step, such as dense(8).', positional: true }],
    inputs: 'chain',
    outputShape: (ctx) => {
      const x = ctx.inputs[0];
      if (x.length < 2) return { code: 'rank-mismatch', expected: 'an input of rank 2 or more [steps, ...]' };
      const r = innerShape({ inputs: [x.slice(1)], args: ctx.args });
      if ('code' in r) return r;
      return Array.isArray(r.out) ? [x[0], ...r.out] : r.out;
    },
    paramCount: (ctx) => {
      const def = lookup(inner(ctx.args).layer);
      return def?.paramCount({ inputs: [ctx.inputs[0].slice(1)], args: inner(ctx.args).args }) ?? null;
    },
  },
});
