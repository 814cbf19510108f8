/** The per-model summary that `dlnet summary --json` prints and the editor shows (a contract: fields are only added). */
import { nodeShape, type ModelGraph } from './semantics/graph';

export function modelSummary(g: ModelGraph) {
  return {
    name: g.name,
    inputs: g.inputs.map((i) => ({ name: i.id, shape: i.shape, dtype: i.dtype })),
    outputs: g.outputs.map((id) => nodeShape(g, id) ?? null),
    totalParams: g.totalParams,
    layers: g.layers.map((l) => ({ name: l.id, kind: l.kind, line: l.range.start.line, outputShape: l.outputShape, params: l.params })),
  };
}

export type ModelSummary = ReturnType<typeof modelSummary>;
