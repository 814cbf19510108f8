/**
 * The tensors a model class's `forward` (or Keras's `call`) makes, read from its
 * statements: each layer it applies (a member made in `__init__`, PyTorch's function of a
 * tensor, a merge), in order, and what a name is bound to. python-class.ts reads the
 * class; python-class-writer.ts writes what this reads as dlnet.
 */
import { dottedPath, parsePython, type PyArg, type PyExpr } from './python-expression';

/** A tensor `forward` makes: the input, a layer applied to one tensor, or a merge of several. */
export interface Tensor {
  layer?: string;
  from: Tensor[];
  /** The name it is given where a name is needed: the Python variable it is bound to, or the layer's member. */
  hint: string;
  name?: string;
  /** A merge layer's own arguments, after its tensors (`Concatenate(axis=-1)` applied to a list). */
  args?: string;
  /** A recurrent layer whose outputs at every step forward uses (PyTorch's always returns them; dlnet's only when told). */
  steps?: boolean;
  /** A recurrent layer whose last step (or last hidden state) forward uses. */
  last?: boolean;
}

/**
 * What a name of forward is bound to: a tensor, or a part of what a recurrent layer
 * returns (`out, (h, c) = self.lstm(x)`): its outputs at every step, its last hidden
 * state, or what dlnet has no tensor for (the cell state, the pair of both).
 */
export type Binding = Tensor | { part: 'steps' | 'state' | 'other'; of: Tensor; name: string };

/** Arguments of a layer applied, or of forward, that say whether it trains, which dlnet knows. */
export const UNREAD_ARGUMENTS = new Set(['training', 'mask']);

/** `out, (h, c) = expr`, `out, h = expr`, `out, _ = expr`: what a recurrent layer returns, unpacked. */
export const UNPACK = /^\(?\s*([A-Za-z_]\w*)\s*,\s*(?:\(\s*([A-Za-z_]\w*)\s*,\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))\s*\)?\s*=\s*([^=].*)$/;

const RECURRENT = new Set(['LSTM', 'GRU', 'RNN']);

/** Binds the names of an unpacked recurrent layer's results (`UNPACK`'s match); why not, where it is no recurrent layer of `self`. */
export function unpackRecurrent(unpack: RegExpExecArray, at: ReadScope): string | undefined {
  const [, steps, h, c, second, text] = unpack;
  const expr = parsePython(text);
  const member = expr?.kind === 'call' ? dottedPath(expr.callee) : undefined;
  const layer = member?.startsWith('self.') ? at.members.get(member.slice(5)) : undefined;
  const kind = layer?.kind === 'call' ? dottedPath(layer.callee)?.split('.').pop() : undefined;
  if (!expr || !kind || !RECURRENT.has(kind)) return 'only a recurrent layer\'s results are unpacked';
  const t = tensorOf(expr, text, at);
  if (typeof t === 'string') return t;
  const bind = (name: string | undefined, part: 'steps' | 'state' | 'other') => name && name !== '_' && at.scope.set(name, { part, of: t, name });
  bind(steps, 'steps');
  // An LSTM's second result is the pair (h, c); a GRU's or an RNN's is h alone.
  if (second) bind(second, kind === 'LSTM' ? 'other' : 'state');
  bind(h, 'state');
  bind(c, 'other');
  return undefined;
}

export interface ReadScope {
  scope: Map<string, Binding>;
  members: Map<string, PyExpr & { text: string }>;
  /** Every tensor made, in the order forward makes them. */
  made: Tensor[];
  hint: string;
}

/** Functions of a tensor that only reshape it: all are flatten where they keep the batch axis and make one of the rest. */
const FLATTENS = new Set(['flatten', 'view', 'reshape']);
/** Functions that combine tensors given in a list, and the merge layer that does. */
const LIST_MERGES: Record<string, string> = { cat: 'concat', concat: 'concat', concatenate: 'concat' };
/** Functions and operators that combine two tensors, and the merge layer that does. */
export const MERGES: Record<string, string> = { add: 'add', '+': 'add', sub: 'subtract', subtract: 'subtract', '-': 'subtract', mul: 'multiply', multiply: 'multiply', '*': 'multiply' };

/** The tensor `e` makes in `forward` (each layer it applies made and listed), or why it is not read. */
export function tensorOf(e: PyExpr, text: string, at: ReadScope): Tensor | string {
  const make = (layer: string, from: Tensor[], hint = at.hint): Tensor => {
    const t: Tensor = { layer, from, hint };
    at.made.push(t);
    return t;
  };
  const isTensor = (x: PyExpr) => tensorNames(x, at.scope);
  /** `t` merged by `layer` with the tensor `other` makes (x + y, x.add(y), torch.add(x, y)). */
  const mergeWith = (layer: string, t: Tensor, other: PyExpr) => {
    const o = tensorOf(other, text, at);
    return typeof o === 'string' ? o : make(layer, [t, o]);
  };
  const pooled = (layer: string | undefined, t: Tensor) => (layer ? make(layer, [t]) : `${text.slice(e.start, e.end)} is a mean dlnet does not read`);
  if (e.kind === 'name') {
    const bound = at.scope.get(e.text);
    if (!bound) return `${e.text} is no tensor of forward`;
    if (!('part' in bound)) return bound;
    // Used whole: the outputs at every step, or the last hidden state ([layers, batch, units] in PyTorch; its last layer's in dlnet).
    return bound.part === 'other' ? `${e.text} is a recurrent layer's cell state, which dlnet gives no tensor for` : recurrentPart(bound.of, bound.part === 'steps' ? 'steps' : 'last');
  }
  if (e.kind === 'subscript' || (e.kind === 'call' && e.callee.kind === 'attribute' && e.callee.name === 'squeeze')) {
    // out[:, -1, :] (the last step), h[-1] and h.squeeze(0) (the last layer's state): a recurrent layer's output without its steps.
    const object = e.kind === 'subscript' ? e.object : (e.callee as PyExpr & { kind: 'attribute' }).object;
    const bound = object.kind === 'name' ? at.scope.get(object.text) : undefined;
    const index = text.slice(object.end, e.end).replace(/\s/g, '');
    const last = bound && 'part' in bound && ((bound.part === 'steps' && LAST_STEP.has(index)) || (bound.part === 'state' && LAST_STATE.has(index)));
    return last ? recurrentPart(bound.of, 'last') : `${text.slice(e.start, e.end)} is a part of a tensor dlnet does not read`;
  }
  if (e.kind === 'binary') {
    const layer = MERGES[e.op];
    if (!layer || !isTensor(e.left) || !isTensor(e.right)) return `${text.slice(e.start, e.end)} is arithmetic on something other than two tensors`;
    const left = tensorOf(e.left, text, at);
    return typeof left === 'string' ? left : mergeWith(layer, left, e.right);
  }
  if (e.kind !== 'call') return `${text.slice(e.start, e.end)} is not read`;
  const path = dottedPath(e.callee);
  const last = path?.split('.').pop();
  // self.conv1(x): a layer made in __init__ (a Sequential's layers one after another).
  if (path?.startsWith('self.') && path.split('.').length === 2) {
    const member = at.members.get(last!);
    if (!member) return `self.${last} is not made in __init__`;
    const args = e.args.filter((a) => !a.name || !UNREAD_ARGUMENTS.has(a.name));
    if (args.length !== 1 || args[0].name) return `self.${last} is given ${args.length === 0 ? 'no tensor' : 'more than one tensor'}`;
    if (args[0].value.kind === 'sequence') {
      // Keras's merge layer applied to a list, `self.concat([a, b])`: that merge of those tensors.
      const parts = tensorsOf(args[0].value.items, text, at);
      if (typeof parts === 'string') return parts;
      if (member.kind !== 'call') return `self.${last} is no layer`;
      const merged = make(member.text.slice(member.callee.start, member.callee.end), parts);
      merged.args = member.args.map((a) => member.text.slice(a.start, a.end)).join(', ');
      return merged;
    }
    let t = tensorOf(args[0].value, text, at);
    if (typeof t === 'string') return t;
    for (const layer of layersOf(member)) t = make(layer, [t], last);
    return t;
  }
  // x.view(-1, 320), x.relu(): a method of a tensor.
  if (e.callee.kind === 'attribute' && isTensor(e.callee.object)) {
    const t = tensorOf(e.callee.object, text, at);
    if (typeof t === 'string') return t;
    const method = e.callee.name;
    if (FLATTENS.has(method)) {
      if (flattens(method, e.args, text)) return make('flatten()', [t]);
      const reshape = method === 'flatten' ? undefined : reshapeOf(e.args, text);
      return reshape ? make(reshape, [t]) : `${text.slice(e.start, e.end)} is a reshape dlnet does not read`;
    }
    if (method === 'mean') return pooled(meanPooling(e.args, text), t);
    if (method === 'size' || method === 'shape') return `${text.slice(e.start, e.end)} is no tensor`;
    // x.add(y): the merge, as x + y.
    if (MERGES[method] && e.args.length === 1 && isTensor(e.args[0].value)) return mergeWith(MERGES[method], t, e.args[0].value);
    return make(`${method}(${e.args.map((a) => text.slice(a.start, a.end)).join(', ')})`, [t]);
  }
  if (last && LIST_MERGES[last] && e.args[0]?.value.kind === 'sequence') {
    // torch.cat((a, b), dim=1): PyTorch's channels, dlnet's last axis, where concat joins by default.
    const parts = tensorsOf(e.args[0].value.items, text, at);
    return typeof parts === 'string' ? parts : make(LIST_MERGES[last], parts);
  }
  const [first, ...rest] = e.args;
  if (!path || !first || first.name || !isTensor(first.value)) return `${text.slice(e.start, e.end)} applies nothing to a tensor`;
  const t = tensorOf(first.value, text, at);
  if (typeof t === 'string') return t;
  if (last === 'flatten') return make('flatten()', [t]);
  if (last === 'mean' && path.startsWith('torch')) return pooled(meanPooling(rest, text), t);
  if (MERGES[last!] && rest.length === 1 && isTensor(rest[0].value)) return mergeWith(MERGES[last!], t, rest[0].value);
  // F.relu(x), F.max_pool2d(x, 2), F.dropout(x, 0.5, training=self.training): the layer, its tensor left out (and whether it trains, which dlnet knows).
  const kept = rest.filter((a) => !a.name || !UNREAD_ARGUMENTS.has(a.name));
  return make(`${path}(${kept.map((a) => text.slice(a.start, a.end)).join(', ')})`, [t]);
}

/** The tensors a list's items make, or why one is not read. */
function tensorsOf(items: PyExpr[], text: string, at: ReadScope): Tensor[] | string {
  const tensors: Tensor[] = [];
  for (const item of items) {
    const t = tensorOf(item, text, at);
    if (typeof t === 'string') return t;
    tensors.push(t);
  }
  return tensors;
}

const LAST_STEP = new Set(['[:,-1,:]', '[:,-1]']);
const LAST_STATE = new Set(['[-1]', '.squeeze(0)', '.squeeze()']);

/** A recurrent layer's outputs at every step, or its last: dlnet's layer gives one of them (returnSequences), not both. */
function recurrentPart(t: Tensor, part: 'steps' | 'last'): Tensor | string {
  if (part === 'steps') t.steps = true;
  else t.last = true;
  return t.steps && t.last ? 'forward uses both the outputs at every step and the last of one recurrent layer, which is two layers in dlnet' : t;
}

/** Whether `e` is made of forward's tensors (names it binds, alone or with what is applied to them). */
function tensorNames(e: PyExpr, scope: Map<string, Binding>): boolean {
  switch (e.kind) {
    case 'name':
      return scope.has(e.text);
    case 'call':
      return e.callee.kind === 'attribute' && dottedPath(e.callee)?.startsWith('self.') ? true : e.args.some((a) => !a.name && tensorNames(a.value, scope)) || (e.callee.kind === 'attribute' && tensorNames(e.callee.object, scope));
    case 'binary':
      return tensorNames(e.left, scope) || tensorNames(e.right, scope);
    case 'subscript':
      return tensorNames(e.object, scope);
    default:
      return false;
  }
}

/**
 * `x.view(-1, 1, 28, 28)`: a reshape of each example to sizes written as numbers, the batch
 * first (-1 or `x.size(0)`). PyTorch's image is [channels, height, width], dlnet's
 * [height, width, channels]: `reshape([28, 28, 1])`. Undefined for any other sizes.
 */
function reshapeOf(args: PyArg[], text: string): string | undefined {
  const sizes = (args.length === 1 && args[0].value.kind === 'sequence' ? args[0].value.items : args.map((a) => a.value)).map((v) => text.slice(v.start, v.end).replace(/\s/g, ''));
  const [batch, ...rest] = sizes;
  if (!batch || !(batch === '-1' || /\.size\(0\)$/.test(batch) || /\.shape\[0\]$/.test(batch)) || rest.length < 2 || rest.length > 3 || !rest.every((n) => /^\d+$/.test(n))) return undefined;
  const dims = rest.length === 3 ? [rest[1], rest[2], rest[0]] : rest;
  return `reshape([${dims.join(', ')}])`;
}

/**
 * `x.mean((2, 3))` and `torch.mean(x, dim=[2, 3])`, the mean over an image's height and
 * width (PyTorch's axes, batch and channels first), are the global average pooling; the mean
 * over a batch-first sequence's steps, `x.mean(1)`, its one-dimensional kind. Undefined for
 * any other mean.
 */
function meanPooling(args: PyArg[], text: string): string | undefined {
  const dims = args.filter((a) => !a.name || a.name === 'dim').map((a) => text.slice(a.value.start, a.value.end).replace(/[\s()[\]]/g, ''));
  if (args.some((a) => a.name && a.name !== 'dim' && a.name !== 'keepdim') || dims.length !== 1) return undefined;
  return dims[0] === '2,3' || dims[0] === '-2,-1' ? 'globalAvgPool2d()' : dims[0] === '1' ? 'globalAvgPool1d()' : undefined;
}

/** `view(-1, 320)`, `view(x.size(0), -1)`, `flatten(1)`, `reshape(batch, -1)`: one batch axis and one of the rest. */
function flattens(method: string, args: PyArg[], text: string): boolean {
  if (method === 'flatten') return args.length <= 1;
  const sizes = args.length === 1 && args[0].value.kind === 'sequence' ? args[0].value.items : args.map((a) => a.value);
  return sizes.length === 2 && sizes.some((s) => text.slice(s.start, s.end).replace(/\s/g, '') === '-1');
}

/**
 * The layers a member made in __init__ applies: itself (none for nn.Identity), a Sequential's in order, or a
 * recurrent layer of `num_layers` stacked (each but the last giving every step to the next).
 */
function layersOf(member: PyExpr & { text: string }): string[] {
  if (member.kind !== 'call') return [member.text];
  const kind = dottedPath(member.callee)?.split('.').pop();
  // nn.Identity() passes its input on: no layer.
  if (kind === 'Identity') return [];
  const written = (a: PyArg) => member.text.slice(a.start, a.end);
  if (kind === 'Sequential' && member.args.every((a) => !a.name)) return member.args.map(written);
  const layers = kind && RECURRENT.has(kind) ? member.args.find((a, i) => a.name === 'num_layers' || (!a.name && i === 2)) : undefined;
  const count = layers ? Number(written(layers)) : 1;
  if (!layers || !Number.isInteger(count) || count < 2 || count > 16) return [member.text];
  const callee = member.text.slice(member.callee.start, member.callee.end);
  const one = member.args.filter((a) => a !== layers).map(written);
  return Array.from({ length: count }, (_, i) => `${callee}(${[...one, ...(i < count - 1 ? [RETURN_SEQUENCES] : [])].join(', ')})`);
}

/** Keras's name for it: the fixes of Keras's habits make it dlnet's `returnSequences: true`. */
export const RETURN_SEQUENCES = 'return_sequences=True';

/** A merge of tensors (by a layer of dlnet's or a Keras merge layer applied to a list). */
export const isMerge = (t: Tensor) => t.from.length > 1 || t.layer === 'concat' || Object.values(MERGES).includes(t.layer!);
