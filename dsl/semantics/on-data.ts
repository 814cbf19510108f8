/**
 * A model is checked with the sizes its inputs declare, symbolic (`T`) and unknown (`?`)
 * ones included, and a check that needs a size it does not know is skipped. A dataset
 * gives every size: here the model's graph runs again through the catalogue's shape rules
 * with the data's sizes, so that a layer that fits some sizes but not these (a window
 * longer than the sequence, a residual over a permute that needs T = 5) is an error of the
 * train statement, not of a run that fails later.
 */
import { findLayer, isShapeError, type ArgValue, type Args } from '../catalog';
import type { InputNode, LayerNode, ModelGraph } from './graph';
import { formatShape, type Shape } from './shape';

/** A model's graph run with a dataset's sizes. */
export interface OnData {
  /** Each node's shape with the data's sizes (by node id), up to the failure if there is one. */
  shapes: ReadonlyMap<string, Shape>;
  /** What the data made of the inputs' symbolic sizes ("T = 20"), in the order found. */
  bound: string[];
  /** The same, by name. */
  values: ReadonlyMap<string, number>;
  /** The first layer whose shape rule rejects the data's sizes, or an input whose sizes contradict another's. */
  failure?: { node: LayerNode | InputNode; message: string };
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
      // A residual's add is no layer the user wrote: say it as the residual's own check does.
      if (layer.residual) return result({ node: layer, message: `residual adds ${formatShape(ins[1]!)} to its body's output ${formatShape(ins[0]!)}: the shapes must be equal` });
      return result({ node: layer, message: out.expected ? `${layer.kind} expects ${out.expected}, got ${got}` : out.message ?? `${layer.kind} does not fit ${got}` });
    }
    shapes.set(layer.id, out);
  }
  return result();
}

/** Arguments with the bound symbolic sizes written in (`reshape([T, 4])` with T = 20: `[20, 4]`). */
function withSizes(args: Args, bound: ReadonlyMap<string, number>): Args {
  if (bound.size === 0) return args;
  const put = (v: ArgValue): ArgValue => (Array.isArray(v) ? (v as ArgValue[]).map((x) => (typeof x === 'string' && bound.has(x) ? bound.get(x)! : put(x))) : v);
  const out: Args = {};
  for (const [k, v] of Object.entries(args)) out[k] = put(v);
  return out;
}

/** How far up the search for a size the model runs with goes. */
const LARGEST_TRIED = 1 << 20;

/**
 * Where a model fails on the data's value of its one symbolic size and runs from some
 * larger value on (a window longer than the sequence): "T ≥ 5". Undefined when the data
 * bound more than one size, when an input failed, or when no larger value runs or the
 * model runs only for some (a residual over a permute that needs T = 5).
 */
export function leastSize(g: ModelGraph, inputs: ReadonlyMap<string, Shape>, run: OnData): string | undefined {
  if (run.values.size !== 1 || !run.failure || run.failure.node.kind === 'input') return undefined;
  const [[name, size]] = run.values;
  const least = leastRunning((n) => runsWith(g, name, n, (input) => inputs.get(input.id)!), size);
  return least === undefined ? undefined : `${name} ≥ ${least}`;
}

/**
 * The least value of a model's one symbolic size from which it runs, when that is more
 * than 1 (`[T, 1]` into `conv1d(4, kernel: 5)`: T ≥ 5), for a model whose inputs leave
 * no other size open. Undefined when every value runs, or no rule can be found.
 */
export function leastSizeOf(g: ModelGraph): { name: string; least: number } | undefined {
  const names = new Set(g.inputs.flatMap((i) => i.shape.filter((d): d is string => typeof d === 'string')));
  if (names.size !== 1 || g.inputs.some((i) => i.shape.includes(null))) return undefined;
  const [name] = names;
  const runs = (n: number) => runsWith(g, name, n, (input) => input.shape);
  if (runs(1)) return undefined;
  const least = leastRunning(runs, 1);
  return least === undefined ? undefined : { name, least };
}

/** Whether `g` runs with its inputs' sizes (`shapeOf`) and `name` = `n`. */
function runsWith(g: ModelGraph, name: string, n: number, shapeOf: (input: InputNode) => Shape): boolean {
  const sized = new Map(g.inputs.map((input) => [input.id, shapeOf(input).map((d, i) => (input.shape[i] === name ? n : d))]));
  const r = runOnData(g, sized);
  return r !== undefined && r.failure === undefined;
}

/**
 * The least value above `failing` for which `runs` holds, found by doubling and halving,
 * when it holds one above and at twice that value too (windows fit every longer sequence;
 * a model that runs for one value only is not one that runs from there on).
 */
function leastRunning(runs: (n: number) => boolean, failing: number): number | undefined {
  let step = 1;
  let below = failing;
  while (!runs(failing + step)) {
    below = failing + step;
    step *= 2;
    if (failing + step > LARGEST_TRIED) return undefined;
  }
  let least = failing + step;
  while (least - below > 1) {
    const middle = Math.floor((below + least) / 2);
    if (runs(middle)) least = middle;
    else below = middle;
  }
  return runs(least + 1) && runs(least * 2) ? least : undefined;
}
