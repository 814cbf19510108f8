/** `dlnet summary --compiled`: what TensorFlow.js itself computes for each layer, beside what the checker inferred. */
import type { Analysis, ModelSummary } from '../../dsl';
import { checkedShapeName, CompileError, compileModel } from './compile';

export type CompiledLayer = ModelSummary['layers'][number] & { compiledOutputShape?: (number | null)[]; compiledParams?: number };
/** A model that could not be compiled says why. */
export type CompiledModel = ModelSummary & { compileError?: string };

export function addCompiledShapes(analysis: Analysis, models: CompiledModel[]): void {
  for (const summary of models) {
    const g = analysis.models.find((m) => m.name === summary.name);
    if (!g?.ok) continue;
    let model;
    try {
      model = compileModel(g);
    } catch (e) {
      if (!(e instanceof CompileError)) throw e;
      summary.compileError = e.message;
      continue;
    }
    const present = new Set(model.layers.map((l) => l.name));
    for (const layer of summary.layers as CompiledLayer[]) {
      if (!present.has(layer.name)) continue; // feeds no output, so tfjs leaves it out
      const l = model.getLayer(layer.name);
      // Where tfjs knew less than the checker, the reshape after the layer says what the layers after it see.
      const seen = present.has(checkedShapeName(layer.name)) ? model.getLayer(checkedShapeName(layer.name)) : l;
      const shape = seen.outputShape as (number | null)[] | (number | null)[][];
      // tfjs's cropping2d takes its margins from an unknown size too (null - 2 is -2, null - 0 is 0 in JavaScript), and the layers after it carry that on: such a size is unknown.
      layer.compiledOutputShape = ((Array.isArray(shape[0]) ? shape[0] : shape) as (number | null)[]).slice(1).map((d) => (d !== null && d <= 0 ? null : d));
      layer.compiledParams = l.countParams();
    }
    model.dispose();
  }
}
