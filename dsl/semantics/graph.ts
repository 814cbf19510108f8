/**
 * The model as a graph of layer instances: blocks, residuals and repeats expanded,
 * every argument bound and defaulted, every shape inferred. The runtime compiles
 * this graph node by node; `dlnet summary` prints it.
 */
import type { Args, LayerName } from '../catalog';
import type { Diagnostic } from '../diagnostics';
import { lineOf, type Range } from '../syntax/range';
import type { Shape } from './shape';

export interface InputNode {
  id: string;
  kind: 'input';
  shape: Shape;
  dtype: 'float32' | 'int32';
  range: Range;
}

export interface LayerNode {
  id: string;
  kind: LayerName;
  args: Args;
  /** Ids of the nodes feeding this one, in order. */
  inputs: string[];
  outputShape: Shape;
  params: number | null;
  range: Range;
  /** Bound by name in the source (`features = dense(2)`): a representation worth drawing. */
  named: boolean;
  /** The add a `residual { }` makes: its inputs are the body's output, then the input (or the shortcut's output). */
  residual?: true;
}

export type GraphNode = InputNode | LayerNode;

export interface ModelGraph {
  name: string;
  range: Range;
  nameRange: Range;
  inputs: InputNode[];
  /** Node ids of the outputs. */
  outputs: string[];
  layers: LayerNode[];
  totalParams: number | null;
  /** No error diagnostics inside this model: safe to compile, unless `unbuildable` names a layer whose weights need a size it leaves open. */
  ok: boolean;
  /** The errors its check found, each once, in the order of the file: some may lie in a block it uses (the model's own lines then show none). */
  errors: readonly Diagnostic[];
}

export function outputShapes(g: ModelGraph): Shape[] {
  return g.outputs.map((id) => nodeShape(g, id) ?? []);
}

export function nodeShape(g: ModelGraph, id: string): Shape | undefined {
  const input = g.inputs.find((n) => n.id === id);
  if (input) return input.shape;
  return layerNode(g, id)?.outputShape;
}

/** The layer of this id, searched from the end, where the outputs and the layers feeding them are (ids are unique in a graph). */
export function layerNode(g: ModelGraph, id: string): LayerNode | undefined {
  for (let i = g.layers.length - 1; i >= 0; i--) if (g.layers[i].id === id) return g.layers[i];
  return undefined;
}

/**
 * The first layer whose weights need a size the model leaves open (`dense` on `[?]`),
 * and the words for it: the check skips what it cannot know, but such a model cannot be
 * built to run.
 */
export function unbuildable(g: ModelGraph): { layer: LayerNode; message: string } | undefined {
  const layer = g.layers.find((l) => l.params === null);
  if (!layer) return undefined;
  return { layer, message: `model ${g.name} cannot be built: ${layer.kind} (line ${lineOf(layer.range)}) needs sizes of its input that the model leaves unknown; give them` };
}
