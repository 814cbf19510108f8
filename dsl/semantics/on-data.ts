/**
 * A model is checked with the sizes its inputs declare, symbolic (`T`) and unknown (`?`)
 * ones included, and a check that needs a size it does not know is skipped. A dataset
 * gives every size: here the model's graph runs again through the catalogue's shape rules
 * with the data's sizes, so that a layer that fits some sizes but not these (a window
 * longer than the sequence, a residual over a permute that needs T = 5) is an error of the
 * train statement, not of a run that fails later.
 */
import { findLayer, isShapeError, type ArgValue, type Args, type FixHint } from '../catalog';
import { nodeShape, type InputNode, type LayerNode, type ModelGraph } from './graph';
import { equalOnlyIf, formatShape, type Shape } from './shape';

/** A model's graph run with a dataset's sizes. */
export interface OnData {
  /** Each node's shape with the data's sizes (by node id), up to the failure if there is one. */
  shapes: ReadonlyMap<string, Shape>;
  /** What the data made of the inputs' symbolic sizes ("T = 20"), in the order found. */
  bound: string[];
  /** The same, by name. */
  values: ReadonlyMap<string, number>;
  /**
   * The first layer whose shape rule rejects the data's sizes, or an input whose sizes
   * contradict another's; with the repair the shape rule suggests (`padding: same` for a
   * window larger than the data's sizes).
   */
  failure?: { node: LayerNode | InputNode; message: string; hint?: FixHint };
}

/**
 * Runs `g` with these input shapes (by input id); undefined when the data leaves a size
 * open or gives no shape for an input. Only worth asking when an input leaves a size open
 * that the data gives: any other input shape is the one the model was checked with.
 */
export function runOnData(g: ModelGraph, inputs: ReadonlyMap<string, Shape>): OnData | undefined {
  const bound = new Map<string, number>();
  const shapes = new Map<string, Shape>();
  const result = (failure?: OnData['failure']): OnData => ({ shapes, bound: [...bound].map(([name, size]) => `${name} = ${size}`), values: bound, failure });
  const gave = new Map<string, InputNode>();
  for (const input of g.inputs) {
    const data = inputs.get(input.id);
    if (!data || data.length !== input.shape.length || !data.every((d) => typeof d === 'number')) return undefined;
    for (let i = 0; i < data.length; i++) {
      const [name, size] = [input.shape[i], data[i] as number];
      if (typeof name !== 'string') continue;
      const before = bound.get(name);
      if (before !== undefined && before !== size) {
        // Inputs that name one size must get one size: `[T, 8]` twice means sequences of one length.
        return result({ node: input, message: `input \`${input.id}\` ${formatShape(input.shape)} gets ${name} = ${size}, but input \`${gave.get(name)!.id}\` got ${name} = ${before}` });
      }
      bound.set(name, size);
      gave.set(name, input);
    }
    shapes.set(input.id, data);
  }
  for (const layer of g.layers) {
    const def = findLayer(layer.kind);
    const ins = layer.inputs.map((id) => shapes.get(id));
    if (!def || ins.some((s) => s === undefined)) return undefined;
    const out = def.outputShape({ inputs: ins as Shape[], args: withSizes(layer.args, bound) });
    if (isShapeError(out)) {
      const got = (ins as Shape[]).map(formatShape).join(' and ');
      const only = def.sameShapeInputs ? onlyIf(g, layer) : '';
      // A residual's add is no layer the user wrote: say it as the residual's own check does.
      if (layer.residual) return result({ node: layer, message: `residual adds ${formatShape(ins[1]!)} to its body's output ${formatShape(ins[0]!)}: the shapes must be equal${only}` });
      return result({ node: layer, message: `${out.expected ? `${layer.kind} expects ${out.expected}, got ${got}` : out.message ?? `${layer.kind} does not fit ${got}`}${only}`, hint: out.hint });
    }
    shapes.set(layer.id, out);
  }
  return result();
}

/**
 * Where the check warned that a merge's inputs are one shape only for some sizes (a skip
 * connection around a pooling and an upsampling: "H is even"), what the data broke.
 */
function onlyIf(g: ModelGraph, layer: LayerNode): string {
  const [first, ...rest] = layer.inputs.map((id) => nodeShape(g, id));
  const conditions = new Set(rest.flatMap((s) => (first && s ? equalOnlyIf(first, s) ?? [] : [])));
  return conditions.size > 0 ? `; they are equal only if ${[...conditions].join(' and ')}` : '';
}

/** Arguments with the bound symbolic sizes written in (`reshape([T, 4])` with T = 20: `[20, 4]`). */
function withSizes(args: Args, bound: ReadonlyMap<string, number>): Args {
  if (bound.size === 0) return args;
  const put = (v: ArgValue): ArgValue => (Array.isArray(v) ? (v as ArgValue[]).map((x) => (typeof x === 'string' && bound.has(x) ? bound.get(x)! : put(x))) : v);
  const out: Args = {};
  for (const [k, v] of Object.entries(args)) out[k] = put(v);
  return out;
}

/** How far up the search for sizes a model runs with goes. */
const LARGEST_TRIED = 1 << 20;
/** More open names than this and the search is not worth its runs (each name costs a few dozen). */
const MOST_NAMES = 4;

/** Least sizes as words: "T ≥ 5", "H ≥ 32 and W ≥ 32". */
export function leastSizesText(sizes: Readonly<Record<string, number>>): string {
  return Object.entries(sizes).map(([name, n]) => `${name} ≥ ${n}`).join(' and ');
}

/**
 * Where a model fails on the data's values of its symbolic sizes and runs from some larger
 * values on (a window longer than the sequence): "T ≥ 5", or "H ≥ 32" where the data's W
 * is already large enough. Undefined when an input failed, when no larger values run, when
 * the model runs only for some (a residual over a permute that needs T = 5), or when the
 * data's values are all in the range found (then the range is wrong, not the data).
 */
export function leastSize(g: ModelGraph, inputs: ReadonlyMap<string, Shape>, run: OnData): string | undefined {
  if (run.values.size === 0 || !run.failure || run.failure.node.kind === 'input') return undefined;
  const least = leastSizes(g, run.values, (input) => inputs.get(input.id)!);
  if (!least) return undefined;
  const short = Object.fromEntries(Object.entries(least).filter(([name, n]) => run.values.get(name)! < n));
  return Object.keys(short).length > 0 ? leastSizesText(short) : undefined;
}

/**
 * The least values of a model's symbolic sizes from which it runs, where some is more than
 * 1 (`[T, 1]` into `conv1d(4, kernel: 5)`: `{T: 5}`; a CNN on `[H, W, 3]` that pools five
 * times: `{H: 32, W: 32}`), for a model whose inputs leave no size unknown (`?`).
 * Undefined when every value runs, or no such rule can be found.
 */
export function leastSizesOf(g: ModelGraph): Record<string, number> | undefined {
  if (!leastSizesFound.has(g)) {
    const names = new Set(g.inputs.flatMap((i) => i.shape.filter((d): d is string => typeof d === 'string')));
    const open = names.size > 0 && !g.inputs.some((i) => i.shape.includes(null));
    leastSizesFound.set(g, open ? leastSizes(g, new Map([...names].map((name) => [name, 1])), (input) => input.shape) : undefined);
  }
  return leastSizesFound.get(g);
}

/**
 * What `leastSizesOf` found for a graph: the search runs the graph some dozens of times,
 * and the hover and the summary ask again for a graph an edit elsewhere left as it was.
 */
const leastSizesFound = new WeakMap<ModelGraph, Record<string, number> | undefined>();

/**
 * The least values of the names in `from` (values the model fails with) from which `g`
 * runs, its inputs' other sizes from `shapeOf`, with the names above 1 only. The model must
 * run in the whole range found, as far as samples tell: at the least values, one above
 * each, and twice each; and each least value must be needed however large the others are.
 * Found by raising every value together, by a step that doubles, until the model runs, then
 * by halving the interval of each in turn.
 */
function leastSizes(g: ModelGraph, from: ReadonlyMap<string, number>, shapeOf: (input: InputNode) => Shape): Record<string, number> | undefined {
  if (from.size > MOST_NAMES) return undefined;
  const runs = (values: ReadonlyMap<string, number>) => {
    const sized = new Map(g.inputs.map((input) => [input.id, shapeOf(input).map((d, i) => {
      const name = input.shape[i];
      return typeof name === 'string' && values.has(name) ? values.get(name)! : d;
    })]));
    const r = runOnData(g, sized);
    return r !== undefined && r.failure === undefined;
  };
  const changed = (values: ReadonlyMap<string, number>, name: string, n: number) => new Map(values).set(name, n);
  const scaled = (values: ReadonlyMap<string, number>, by: (n: number) => number) => new Map([...values].map(([name, n]) => [name, by(n)]));
  if (runs(from)) return undefined;
  let step = 1;
  let least = scaled(from, (n) => n + step);
  while (!runs(least)) {
    step *= 2;
    if (step > LARGEST_TRIED) return undefined;
    least = scaled(from, (n) => n + step);
  }
  for (const name of from.keys()) {
    let [below, above] = [0, least.get(name)!];
    while (above - below > 1) {
      const middle = Math.floor((below + above) / 2);
      if (runs(changed(least, name, middle))) above = middle;
      else below = middle;
    }
    least = changed(least, name, above);
  }
  const doubled = scaled(least, (n) => n * 2);
  const holds = runs(least) && runs(doubled) && [...least].every(([name, n]) =>
    runs(changed(least, name, n + 1)) && runs(changed(least, name, n * 2)) && (n === 1 || !runs(changed(doubled, name, n - 1))));
  if (!holds) return undefined;
  const above1 = [...least].filter(([, n]) => n > 1);
  return above1.length > 0 ? Object.fromEntries(above1) : undefined;
}
