/** A checked model graph → an nn.Module class in Python, one attribute per layer, forward in graph order. */
import { formatShape, nodeShape, type ModelGraph, type Shape } from '../../../dsl';
import { torchModules } from './modules';
import { py, pyName } from './python';

export interface ModuleSource {
  className: string;
  code: string;
}

/** The layers on a path to an output, in graph order; TensorFlow.js leaves the others out of the model too. */
function usedLayers(g: ModelGraph) {
  const byId = new Map(g.layers.map((n) => [n.id, n]));
  const used = new Set<string>();
  const visit = (id: string) => {
    if (used.has(id)) return;
    used.add(id);
    byId.get(id)?.inputs.forEach(visit);
  };
  g.outputs.forEach(visit);
  return g.layers.filter((n) => used.has(n.id));
}

export function moduleSource(g: ModelGraph, sourceFile: string): ModuleSource {
  const className = pyName(g.name, new Set(['dl', 'nn']));
  const taken = new Set<string>();
  const vars = new Map<string, string>();
  for (const i of g.inputs) vars.set(i.id, pyName(i.id, taken));
  const attrs = new Map<string, string>();
  const layers = usedLayers(g);
  for (const n of layers) {
    const v = pyName(n.id, taken);
    vars.set(n.id, v);
    attrs.set(n.id, v);
  }
  const shape = (id: string): Shape => nodeShape(g, id) ?? [];

  const init = layers.map((n) => {
    const ctor = torchModules[n.kind](n.args, n.inputs.map(shape), n.id);
    return `        self.${attrs.get(n.id)} = ${ctor}  # line ${n.range.start.line + 1}: ${formatShape(n.outputShape)}`;
  });
  const forward = layers.map((n) => `        ${vars.get(n.id)} = self.${attrs.get(n.id)}(${n.inputs.map((i) => vars.get(i)).join(', ')})`);
  const outputs = g.outputs.map((id) => vars.get(id)!);
  const params = g.inputs.map((i) => vars.get(i.id)!);
  const inputDoc = g.inputs.map((i) => `${vars.get(i.id)}: [batch, ${i.shape.map((d) => (d === null ? '?' : String(d))).join(', ')}] ${i.dtype}`).join('; ');
  const tfjsNames = layers.map((n) => `${py(n.id)}: self.${attrs.get(n.id)}`);

  const code = `class ${className}(nn.Module):
    """model ${g.name} (${sourceFile}:${g.nameRange.start.line + 1}), ${g.totalParams?.toLocaleString('en') ?? '?'} parameters.

    Inputs, channels-last as in dlnet: ${inputDoc}.
    """

    input_shapes = ${py(g.inputs.map((i) => i.shape.map((d) => (typeof d === 'number' ? d : null))) as never)}
    input_dtypes = ${py(g.inputs.map((i) => i.dtype))}

    def __init__(self):
        super().__init__()
${init.join('\n')}

    def forward(self, ${params.join(', ')}):
${forward.join('\n')}
        return ${outputs.length === 1 ? outputs[0] : `(${outputs.join(', ')})`}

    def tfjs_layers(self):
        """Layers by their TensorFlow.js name (the dlnet node id), for weights in dlnet's format."""
        return {${tfjsNames.join(', ')}}
`;
  return { className, code };
}
