/**
 * Fewer WebGPU objects made per dispatch on tfjs's webgpu backend.
 *
 * For every kernel tfjs asks the pipeline for its bind-group layout, writes the kernel's
 * uniforms (shapes, strides, constants) into a pooled buffer, and creates a bind group of
 * that buffer and the tensors' buffers. In a training loop the same kernels run on the
 * same shapes every step, and tfjs's buffer pool hands the same buffers back, so all
 * three repeat. Here:
 * - each pipeline's layout is asked for once;
 * - uniforms of the same bytes share one buffer, written once and never reused for other
 *   values (so no command in flight can see it change); at most UNIFORMS of them;
 * - a bind group over the same layout and buffers is made once. It is found by the
 *   buffer objects themselves (weakly held), so a destroyed buffer's groups are never
 *   asked for again and go with it.
 */

/** Distinct uniform contents kept; beyond this, tfjs's pooled buffers as before. */
const UNIFORMS = 4096;
/** Bind groups kept; beyond this, new ones are made per dispatch as before. */
const GROUPS = 16384;

interface BufferBinding {
  buffer: object;
  offset?: number;
  size?: number;
}
interface BindGroupDescriptor {
  layout: object;
  entries: { binding: number; resource: BufferBinding | object }[];
}
interface Pipeline {
  getBindGroupLayout(index: number): object;
}
interface Device {
  createBindGroup(descriptor: BindGroupDescriptor): object;
  createComputePipeline(descriptor: object): Pipeline;
  createComputePipelineAsync(descriptor: object): Promise<Pipeline>;
}
type Uniform = { type: string; data: number[] };
interface Backend {
  device: Device;
  makeUniforms(uniforms: Uniform[]): BufferBinding;
  uniformPendingDisposal: object[];
  dlnetBindGroups?: boolean;
}

/** Asks a pipeline for each of its layouts once. */
function rememberLayouts(pipeline: Pipeline): Pipeline {
  const ask = pipeline.getBindGroupLayout.bind(pipeline);
  const layouts = new Map<number, object>();
  pipeline.getBindGroupLayout = (index: number) => {
    let layout = layouts.get(index);
    if (!layout) layouts.set(index, (layout = ask(index)));
    return layout;
  };
  return pipeline;
}

/** A trie over the layout and the buffers of a bind group, each level weakly keyed. */
interface Node {
  next: WeakMap<object, Node>;
  groups?: Map<string, object>;
}

function bindGroupCache(device: Device): Device['createBindGroup'] {
  const create = device.createBindGroup.bind(device);
  const root: Node = { next: new WeakMap() };
  let kept = 0;
  return (descriptor) => {
    const bindings = descriptor.entries.map((e) => e.resource as BufferBinding);
    // Textures and external resources (tfjs's pixel ops) are not cached.
    if (kept >= GROUPS || bindings.some((b) => !b || typeof b !== 'object' || !('buffer' in b))) return create(descriptor);
    let node = root;
    for (const key of [descriptor.layout, ...bindings.map((b) => b.buffer)]) {
      let child = node.next.get(key);
      if (!child) node.next.set(key, (child = { next: new WeakMap() }));
      node = child;
    }
    const shape = descriptor.entries.map((e, i) => `${e.binding}:${bindings[i].offset ?? 0}:${bindings[i].size ?? -1}`).join(',');
    node.groups ??= new Map();
    let group = node.groups.get(shape);
    if (!group) {
      node.groups.set(shape, (group = create(descriptor)));
      kept++;
    }
    return group;
  };
}

function uniformCache(backend: Backend): Backend['makeUniforms'] {
  const make = backend.makeUniforms.bind(backend);
  const kept = new Map<string, BufferBinding>();
  return (uniforms) => {
    const key = uniforms.map((u) => `${u.type[0]}${u.data.join(',')}`).join(';');
    const found = kept.get(key);
    if (found) return found;
    const binding = make(uniforms);
    const pending = backend.uniformPendingDisposal.lastIndexOf(binding.buffer);
    if (kept.size < UNIFORMS && pending >= 0) {
      // Take the buffer tfjs just filled out of its release list: it keeps these bytes for good.
      backend.uniformPendingDisposal.splice(pending, 1);
      kept.set(key, binding);
    }
    return binding;
  };
}

/** Installs the three on a webgpu backend (once); pipelines compiled earlier keep asking for layouts. */
export function reuseBindGroups(backend: object): void {
  const b = backend as Backend;
  if (b.dlnetBindGroups) return;
  const device = b.device;
  const compile = device.createComputePipeline.bind(device);
  const compileAsync = device.createComputePipelineAsync.bind(device);
  device.createComputePipeline = (d) => rememberLayouts(compile(d));
  device.createComputePipelineAsync = async (d) => rememberLayouts(await compileAsync(d));
  device.createBindGroup = bindGroupCache(device);
  b.makeUniforms = uniformCache(b);
  b.dlnetBindGroups = true;
}
