/** A checked model graph → a TensorFlow.js LayersModel, through the functional API. Node ids become layer names. */
import { unbuildable, type ModelGraph, type Shape } from '../../dsl';
import { tf, tfl } from '../tf';
import { rules, type RuleContext } from './rules';

export class CompileError extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
  }
}

/** Batch axis first; symbolic and unknown sizes become null. */
const batchShape = (shape: (number | string | null)[]) => [null, ...shape.map((d) => (typeof d === 'number' ? d : null))];

/** The name of the reshape that `withCheckedShape` puts after a layer (a dlnet name has no '.', so it names no statement). */
export const checkedShapeName = (id: string) => `${id}.checked`;

/**
 * tfjs's merges leave a size unknown when any input leaves it unknown (an add of [?, 8] and
 * [T, ?] is [?, ?] to tfjs), where the checker knows it from the others ([T, 8]): a dense
 * after it could not be built. A reshape to the checker's shape tells the layers after it.
 */
function withCheckedShape(out: tfl.SymbolicTensor, id: string, checked: Shape): tfl.SymbolicTensor {
  const target = batchShape(checked).slice(1);
  const have = out.shape.slice(1);
  if (!target.some((d, i) => d !== null && have[i] === null) || target.filter((d) => d === null).length > 1) return out;
  return tfl.layers.reshape({ name: checkedShapeName(id), targetShape: target.map((d) => d ?? -1) }).apply(out) as tfl.SymbolicTensor;
}

export function compileModel(g: ModelGraph, seed = 0): tfl.LayersModel {
  if (!g.ok) throw new CompileError(`model ${g.name} has errors; run dlnet check`, g.nameRange.start.line);
  const open = unbuildable(g);
  if (open) throw new CompileError(open.message, open.layer.range.start.line);
  let counter = 0;
  const ctx: RuleContext = { seed: () => seed * 1000 + ++counter, inputs: [] };
  const tensors = new Map<string, tfl.SymbolicTensor>();
  const shapes = new Map<string, Shape>(g.inputs.map((i) => [i.id, i.shape]));
  const inputs = g.inputs.map((i) => {
    const t = tfl.input({ batchShape: batchShape(i.shape), dtype: i.dtype, name: i.id });
    tensors.set(i.id, t);
    return t;
  });
  for (const node of g.layers) {
    try {
      // tfjs leaves a reshape's -1 unknown in its static shape; give it the size the checker worked out.
      const resolved = node.kind === 'reshape' && node.outputShape.every((d) => typeof d === 'number');
      ctx.inputs = node.inputs.map((id) => shapes.get(id)!);
      shapes.set(node.id, node.outputShape);
      const layer = rules[node.kind](resolved ? { ...node.args, shape: node.outputShape as number[] } : node.args, node.id, ctx);
      const ins = node.inputs.map((id) => tensors.get(id)!);
      const out = layer.apply(ins.length === 1 ? ins[0] : ins) as tfl.SymbolicTensor;
      tensors.set(node.id, withCheckedShape(out, node.id, node.outputShape));
    } catch (e) {
      throw new CompileError(`${node.kind} (${node.id}) could not be built: ${(e as Error).message}`, node.range.start.line);
    }
  }
  const outputs = g.outputs.map((id) => tensors.get(id)!);
  return tfl.model({ inputs, outputs: outputs.length === 1 ? outputs[0] : outputs, name: g.name });
}

export { tf };
