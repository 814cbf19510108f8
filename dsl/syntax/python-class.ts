/**
 * PyTorch's model as its tutorials write one, pasted whole:
 *
 *     class Net(nn.Module):
 *         def __init__(self):
 *             super().__init__()
 *             self.conv1 = nn.Conv2d(1, 32, 3, 1)
 *             self.fc1 = nn.Linear(5408, 10)
 *
 *         def forward(self, x):
 *             x = F.relu(self.conv1(x))
 *             x = torch.flatten(x, 1)
 *             return self.fc1(x)
 *
 * (Keras's subclassing, `class Net(keras.Model)` and its `call`, is read the same way.)
 * `__init__` makes the layers and `forward` applies them; dlnet writes the layers where
 * they are applied, in that order: `model Net { nn.Conv2d(1, 32, 3, 1); F.relu(); flatten();
 * nn.Linear(5408, 10) }`, one a line. The layers are written as PyTorch wrote them, so
 * that the fixes of PyTorch's spellings (framework-habits.ts, aliases.ts) make them dlnet
 * in the passes of Fix All that follow; what only `forward` says is written in dlnet:
 * `torch.flatten(x, 1)` and `x.view(-1, n)` are flatten, `a + b` and `torch.cat((a, b), 1)`
 * the merges add and concat of named tensors (layers added to where they started, a
 * residual, with its shortcut); what a recurrent layer returns may be
 * unpacked (`out, (h, c) = self.lstm(x)`), its steps or its last (`out[:, -1, :]`, `h[-1]`)
 * used. A statement it cannot read (a loop, an `if`, a layer kept in a list) is named in
 * the error, which then has no fix.
 */
import { dottedPath, parsePython, topLevel, type PyArg, type PyExpr } from './python-expression';
import type { SyntaxError } from './parser';
import { keywordNames } from './tokens';

/** `class Net(nn.Module):`, and Keras's subclassing, `class Net(keras.Model):` or `class Block(layers.Layer):`. */
export const MODULE_CLASS = /^(\s*)class\s+([A-Za-z_]\w*)\s*\(\s*(?:[A-Za-z_]\w*\.)*(Module|Model|Layer)\s*\)\s*:\s*(?:#.*)?$/;

/** Whether a line may start a class MODULE_CLASS matches (a quick look before the pattern's). */
export const mayStartClass = (line: string): boolean => line.includes('class') && (line.includes('Module)') || line.includes('Model)') || line.includes('Layer)'));

/** One statement of the class, its continuation lines joined and its comment left out. */
interface Logical {
  line: number;
  indent: number;
  text: string;
}

/** A tensor `forward` makes: the input, a layer applied to one tensor, or a merge of several. */
interface Tensor {
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
type Binding = Tensor | { part: 'steps' | 'state' | 'other'; of: Tensor; name: string };

type Reading = { lines: string[]; params: string[] } | { unread: Logical; why: string };

/** A PyTorch module class of the text: where it starts and ends, and its name. */
export interface ModuleClass {
  line: number;
  last: number;
  match: RegExpExecArray;
}

/** The class starting at `line` (whose text matched MODULE_CLASS), to its last line; undefined where nothing is indented under it. */
export function moduleClassLines(lines: readonly string[], line: number, match: RegExpExecArray): ModuleClass | undefined {
  const indent = match[1].length;
  let last = line;
  for (let l = line + 1; l < lines.length; l++) {
    const text = lines[l];
    // Blank lines and comments end no block in Python.
    if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
    if (text.length - text.trimStart().length <= indent) break;
    last = l;
  }
  return last === line ? undefined : { line, last, match };
}

/**
 * A class's error, with the fix that declares it: as a model, or as a block where another
 * class of the text makes it one of its layers (`self.layer1 = BasicBlock(64)`, named by `user`).
 */
export function moduleClassError(lines: readonly string[], { line, last, match }: ModuleClass, user?: ModuleClass): SyntaxError {
  const indent = match[1].length;
  const statements = logicalLines(lines, line + 1, last);
  const name = match[2];
  const header = { line, indent, text: lines[line].trim() };
  const reading = Array.isArray(statements) ? readModule(statements, header, !!user) : { unread: statements.open, why: 'a bracket or string is left open' };
  const range = { start: { line, character: indent }, end: { line, character: lines[line].trimEnd().length } };
  const written = lines[line].trim().replace(/\s*:\s*(?:#.*)?$/, '');
  const [framework, method] = match[3] === 'Module' ? ['PyTorch', 'forward'] : ['Keras', 'call'];
  const what = user
    ? `\`${written}\` is how ${framework} declares layers that ${user.match[2]} (line ${user.line + 1}) uses as one; dlnet declares them as a block: block ${name} { ... }`
    : `\`${written}\` is how ${framework} declares a model; dlnet declares its layers in the order ${method} applies them: model ${name} { ... }`;
  if ('unread' in reading) return { message: `${what}. Line ${reading.unread.line + 1} is not read (${reading.why}): write it by hand`, range };
  const whole = { start: { line, character: 0 }, end: { line: last, character: lines[last].length } };
  const head = user ? `block ${name}${reading.params.length ? `(${reading.params.join(', ')})` : ''}` : `model ${name}`;
  const newText = [`${match[1]}${head} {`, ...reading.lines.map((l) => `${match[1]}  ${l}`), `${match[1]}}`].join('\n');
  const title = `Declare ${user ? 'block' : 'model'} ${name} with the layers ${method} applies`;
  return { message: what, range, fixes: [{ title, edits: [{ range: whole, newText }], preferred: true }], ...(user ? {} : { declares: name }) };
}

/** For each class of `classes`, the other class that makes it one of its layers (`self.block = Name(...)`), if one does. */
export function classUsers(lines: readonly string[], classes: readonly ModuleClass[]): Map<ModuleClass, ModuleClass> {
  const users = new Map<ModuleClass, ModuleClass>();
  for (const used of classes) {
    const call = new RegExp(`(?<![\\w.])${used.match[2]}\\s*\\(`);
    const user = classes.find((c) => c !== used && lines.slice(c.line + 1, c.last + 1).some((l) => call.test(l.replace(/#.*$/, ''))));
    if (user) users.set(used, user);
  }
  return users;
}

/** The statements of lines `first` to `last`, each with its continuation lines; or the one that leaves a bracket or string open. */
function logicalLines(lines: readonly string[], first: number, last: number): Logical[] | { open: Logical } {
  const out: Logical[] = [];
  let open: Logical | undefined;
  let depth = 0;
  let docstring: string | undefined;
  for (let l = first; l <= last; l++) {
    const raw = lines[l];
    if (docstring) {
      if (raw.includes(docstring)) docstring = undefined;
      continue;
    }
    const trimmed = raw.trim();
    const quotes = /^[rRbBuU]?("""|''')/.exec(trimmed);
    if (!open && quotes) {
      // A docstring: its closing quotes on the line or below.
      if (!trimmed.slice(quotes[0].length).includes(quotes[1])) docstring = quotes[1];
      continue;
    }
    let code = '';
    for (let i = 0; i < raw.length; i++) {
      const c = raw[i];
      if (c === '#') break;
      if (c === '"' || c === "'") {
        const close = raw.indexOf(c, i + 1);
        if (close < 0) return { open: open ?? { line: l, indent: raw.length - raw.trimStart().length, text: raw.trim() } };
        code += raw.slice(i, close + 1);
        i = close;
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') depth--;
      code += c;
    }
    if (open) open.text += ` ${code.trim()}`;
    else if (code.trim() !== '') open = { line: l, indent: raw.length - raw.trimStart().length, text: code.trim() };
    if (open && depth <= 0 && !open.text.endsWith('\\')) {
      out.push(open);
      open = undefined;
      depth = 0;
    } else if (open?.text.endsWith('\\')) open.text = open.text.slice(0, -1);
  }
  if (open) return { open };
  return docstring ? { open: { line: last, indent: 0, text: docstring } } : out;
}

const DEF = /^def\s+(\w+)\s*\((.*)\)\s*(?:->.*)?:$/;

/**
 * A method's parameters after `self`: their names and the defaults written. Left out: what
 * carries nothing dlnet reads, `*args` and `**kwargs`, and Keras's `training` and `mask`
 * (dlnet knows when it trains).
 */
function parameters(list: string): { name: string; default?: string }[] {
  return topLevel(list).slice(1).flatMap((p) => {
    const [head, value] = p.split(/=(.*)/s);
    const name = head.split(':')[0].trim();
    return name.startsWith('*') || UNREAD_ARGUMENTS.has(name) ? [] : [{ name, default: value?.trim() }];
  });
}

/** Arguments of a layer applied, or of forward, that say whether it trains, which dlnet knows. */
const UNREAD_ARGUMENTS = new Set(['training', 'mask']);

/** A class's layers in the order its forward applies them; as a block (`asBlock`), with __init__'s parameters as the block's. */
function readModule(statements: Logical[], header: Logical, asBlock: boolean): Reading {
  const methods = new Map<string, { def: Logical; params: { name: string; default?: string }[]; body: Logical[] }>();
  for (const [i, s] of statements.entries()) {
    const def = DEF.exec(s.text);
    if (!def) continue;
    const body: Logical[] = [];
    for (let j = i + 1; j < statements.length && statements[j].indent > s.indent; j++) body.push(statements[j]);
    methods.set(def[1], { def: s, params: parameters(def[2]), body });
  }
  const init = methods.get('__init__');
  // PyTorch's forward, Keras's call.
  const forward = methods.get('forward') ?? methods.get('call');
  if (!forward) return { unread: header, why: 'the class has no forward (or call) method' };
  const members = new Map<string, PyExpr & { text: string }>();
  // A block's parameters are __init__'s, its defaults as written; a model has none, so their defaults stand in the layers' arguments.
  const initParams = init?.params ?? [];
  if (asBlock && initParams.some((p) => !/^[A-Za-z_]\w*$/.test(p.name) || keywordNames.includes(p.name))) return { unread: init!.def, why: 'parameters a block cannot have' };
  const params = asBlock ? initParams.map((p) => (p.default === undefined ? p.name : `${p.name} = ${p.default}`)) : [];
  if (init) {
    // Its local sizes (`hidden = 128`), and a model's defaults, stand in the layers' arguments.
    const values = new Map(asBlock ? [] : initParams.flatMap((p) => (p.default === undefined ? [] : [[p.name, p.default] as const])));
    for (const s of init.body) {
      if (/^super\s*\(.*\)\s*\.\s*__init__\s*\(.*\)$/.test(s.text) || s.text === 'pass') continue;
      const assign = /^(self\.)?([A-Za-z_]\w*)\s*(?::[^=]*)?=\s*(.+)$/.exec(s.text);
      if (!assign || assign[3].startsWith('=')) return { unread: s, why: 'not a layer made for forward' };
      const text = substitute(assign[3], values);
      if (!assign[1]) {
        values.set(assign[2], text);
        continue;
      }
      if (/\bModule(?:List|Dict)\b/.test(text)) return { unread: s, why: 'layers kept in a list, which forward applies in a loop' };
      const expr = parsePython(text);
      if (!expr) return { unread: s, why: 'not an expression dlnet reads' };
      members.set(assign[2], Object.assign(expr, { text }));
    }
  }
  const inputs = forward.params;
  if (inputs.length !== 1) return { unread: forward.def, why: inputs.length === 0 ? 'forward takes no input' : 'forward takes several inputs: declare each with an input line' };
  const input: Tensor = { from: [], hint: 'x', name: 'x' };
  const made: Tensor[] = [];
  const scope = new Map<string, Binding>([[inputs[0].name, input]]);
  let returned: Tensor[] | undefined;
  for (const s of forward.body) {
    if (returned) return { unread: s, why: 'a statement after return' };
    const ret = /^return\s+(.+)$/.exec(s.text);
    const unpack = UNPACK.exec(s.text);
    if (unpack) {
      const why = unpackRecurrent(unpack, { scope, members, made, hint: unpack[1] });
      if (why) return { unread: s, why };
      continue;
    }
    const assign = /^([A-Za-z_]\w*)\s*([+\-*]?)=\s*(.+)$/.exec(s.text);
    // `return a, b` returns a tuple, as `return (a, b)` does.
    const text = ret ? (topLevel(ret[1]).length > 1 ? `(${ret[1]})` : ret[1]) : assign ? (assign[2] ? `${assign[1]} ${assign[2]} (${assign[3]})` : assign[3]) : undefined;
    const expr = text === undefined ? undefined : parsePython(text);
    if (!expr || text === undefined) return { unread: s, why: 'not an assignment or return dlnet reads' };
    const items = ret && expr.kind === 'sequence' ? expr.items : [expr];
    const values: Tensor[] = [];
    for (const item of items) {
      const before = made.length;
      const hint = assign?.[1] ?? 'out';
      const value = tensorOf(item, text, { scope, members, made, hint });
      if (typeof value === 'string') return { unread: s, why: value };
      // Named, where it needs a name, after the variable the statement binds (not after its last layer's member).
      if (made.indexOf(value) >= before) value.hint = hint;
      values.push(value);
    }
    if (ret) returned = values;
    else scope.set(assign![1], values[0]);
  }
  if (!returned) return { unread: forward.def, why: 'forward returns nothing' };
  const { lines, named } = writeModel(made, returned);
  // A block has no name for its input: the chain starts from it, and a residual adds it back, but nothing names it.
  if (asBlock && named.has(input)) return { unread: forward.def, why: 'forward names its input where a block cannot, which only starts from it' };
  return { lines, params };
}

/** `out, (h, c) = expr`, `out, h = expr`, `out, _ = expr`: what a recurrent layer returns, unpacked. */
const UNPACK = /^\(?\s*([A-Za-z_]\w*)\s*,\s*(?:\(\s*([A-Za-z_]\w*)\s*,\s*([A-Za-z_]\w*)\s*\)|([A-Za-z_]\w*))\s*\)?\s*=\s*([^=].*)$/;

const RECURRENT = new Set(['LSTM', 'GRU', 'RNN']);

/** Binds the names of an unpacked recurrent layer's results (`UNPACK`'s match); why not, where it is no recurrent layer of `self`. */
function unpackRecurrent(unpack: RegExpExecArray, at: ReadScope): string | undefined {
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

interface ReadScope {
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
const MERGES: Record<string, string> = { add: 'add', '+': 'add', sub: 'subtract', subtract: 'subtract', '-': 'subtract', mul: 'multiply', multiply: 'multiply', '*': 'multiply' };

/** The tensor `e` makes in `forward` (each layer it applies made and listed), or why it is not read. */
function tensorOf(e: PyExpr, text: string, at: ReadScope): Tensor | string {
  const make = (layer: string, from: Tensor[], hint = at.hint): Tensor => {
    const t: Tensor = { layer, from, hint };
    at.made.push(t);
    return t;
  };
  const isTensor = (x: PyExpr) => tensorNames(x, at.scope);
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
    if (typeof left === 'string') return left;
    const right = tensorOf(e.right, text, at);
    return typeof right === 'string' ? right : make(layer, [left, right]);
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
      const parts: Tensor[] = [];
      for (const item of args[0].value.items) {
        const part = tensorOf(item, text, at);
        if (typeof part === 'string') return part;
        parts.push(part);
      }
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
    if (FLATTENS.has(method)) return flattens(method, e.args, text) ? make('flatten()', [t]) : `${text.slice(e.start, e.end)} is a reshape dlnet does not read`;
    if (method === 'mean') return meanPooling(e.args, text) ? make(meanPooling(e.args, text)!, [t]) : `${text.slice(e.start, e.end)} is a mean dlnet does not read`;
    if (method === 'size' || method === 'shape') return `${text.slice(e.start, e.end)} is no tensor`;
    if (MERGES[method] && e.args.length === 1 && isTensor(e.args[0].value)) {
      // x.add(y): the merge, as x + y.
      const other = tensorOf(e.args[0].value, text, at);
      return typeof other === 'string' ? other : make(MERGES[method], [t, other]);
    }
    return make(`${method}(${e.args.map((a) => text.slice(a.start, a.end)).join(', ')})`, [t]);
  }
  if (last && LIST_MERGES[last] && e.args[0]?.value.kind === 'sequence') {
    // torch.cat((a, b), dim=1): PyTorch's channels, dlnet's last axis, where concat joins by default.
    const parts: Tensor[] = [];
    for (const item of e.args[0].value.items) {
      const t = tensorOf(item, text, at);
      if (typeof t === 'string') return t;
      parts.push(t);
    }
    return make(LIST_MERGES[last], parts);
  }
  const [first, ...rest] = e.args;
  if (!path || !first || first.name || !isTensor(first.value)) return `${text.slice(e.start, e.end)} applies nothing to a tensor`;
  const t = tensorOf(first.value, text, at);
  if (typeof t === 'string') return t;
  if (last === 'flatten') return make('flatten()', [t]);
  if (last === 'mean' && path.startsWith('torch')) return meanPooling(rest, text) ? make(meanPooling(rest, text)!, [t]) : `${text.slice(e.start, e.end)} is a mean dlnet does not read`;
  if (MERGES[last!] && rest.length === 1 && isTensor(rest[0].value)) {
    const other = tensorOf(rest[0].value, text, at);
    return typeof other === 'string' ? other : make(MERGES[last!], [t, other]);
  }
  // F.relu(x), F.max_pool2d(x, 2), F.dropout(x, 0.5, training=self.training): the layer, its tensor left out (and whether it trains, which dlnet knows).
  const kept = rest.filter((a) => !a.name || !UNREAD_ARGUMENTS.has(a.name));
  return make(`${path}(${kept.map((a) => text.slice(a.start, a.end)).join(', ')})`, [t]);
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
const RETURN_SEQUENCES = 'return_sequences=True';

/** A layer's text with `return_sequences=True` given last. */
function withSteps(layer: string): string {
  return layer.endsWith('()') ? `${layer.slice(0, -1)}${RETURN_SEQUENCES})` : `${layer.slice(0, -1)}, ${RETURN_SEQUENCES})`;
}

/** A line of the model's body: a tensor made, or a residual standing for the `add` it makes. */
interface Line {
  out: Tensor;
  from: Tensor[];
  residual?: { body: Tensor[]; shortcut: Tensor[] };
}

/**
 * The model's body: a layer applied to the tensor made just before is a line of its own
 * (dlnet's steps follow on), anything else a statement naming the tensors it takes, and
 * those tensors are named where they are made. A layer chain added to where it started
 * (`out += identity`, or to a second chain from there, its shortcut) is dlnet's
 * `residual { } shortcut { }`. Several tensors returned, or one made before the last, are
 * the model's output line. Also the tensors it names.
 */
function writeModel(made: Tensor[], returned: Tensor[]): { lines: string[]; named: Set<Tensor> } {
  for (const t of made) if (t.steps && t.layer?.endsWith(')')) t.layer = withSteps(t.layer);
  const lines = residualLines(made, returned);
  const previous = (i: number) => (i === 0 ? lines[0].from[0] : lines[i - 1].out);
  const needed = new Set<Tensor>();
  lines.forEach((l, i) => {
    if (!isMerge(l.out) || l.residual) {
      if (l.from[0] === previous(i)) return;
    }
    for (const from of l.from) needed.add(from);
  });
  const last = lines[lines.length - 1]?.out;
  const output = returned.length > 1 || returned[0] !== last ? returned : [];
  for (const t of output) needed.add(t);
  const taken = new Set<string>(['x', ...keywordNames]);
  for (const { out: t } of lines) {
    if (!needed.has(t)) continue;
    let name = t.hint;
    for (let n = 2; taken.has(name); n++) name = `${t.hint}${n}`;
    taken.add(name);
    t.name = name;
  }
  const written = lines.flatMap((l, i) => {
    const target = l.out.name ? `${l.out.name} = ` : '';
    const start = l.from[0] === previous(i) ? target : `${target}${l.from[0].name} -> `;
    if (l.residual) {
      const { body, shortcut } = l.residual;
      const steps = (ts: Tensor[]) => ts.map((t) => `  ${t.layer}`);
      return [`${start}residual {`, ...steps(body), ...(shortcut.length ? ['} shortcut {', ...steps(shortcut)] : []), '}'];
    }
    if (isMerge(l.out)) return [`${target}${l.out.layer}(${[...l.from.map((f) => f.name), ...(l.out.args ? [l.out.args] : [])].join(', ')})`];
    return [`${start}${l.out.layer}`];
  });
  if (output.length) written.push(`output ${output.map((t) => t.name).join(', ')}`);
  return { lines: written, named: needed };
}

/** The lines of `made`, each `add` of a chain to where it started (or of two chains from one place) made one residual line. */
function residualLines(made: Tensor[], returned: Tensor[]): Line[] {
  const uses = new Map<Tensor, number>();
  for (const t of [...made.flatMap((m) => m.from), ...returned]) uses.set(t, (uses.get(t) ?? 0) + 1);
  const lines: Line[] = [];
  for (let i = 0; i < made.length; i++) {
    const t = made[i];
    const residual = t.layer === 'add' && t.from.length === 2 ? residualEnding(made, i, uses) : undefined;
    if (residual) {
      // Its body and shortcut are the lines just above it: they go into it.
      lines.splice(lines.length - residual.body.length - residual.shortcut.length);
      lines.push({ out: t, from: [residual.source], residual });
    } else lines.push({ out: t, from: t.from });
  }
  return lines;
}

/** `t` and the tensors it was made from, back through layers of one input to the first merge or the input. */
function backFrom(t: Tensor): Tensor[] {
  const path: Tensor[] = [];
  for (let u: Tensor | undefined = t; u; u = u.from.length === 1 && !isMerge(u) ? u.from[0] : undefined) path.push(u);
  return path;
}

/**
 * Whether the `add` at `made[i]` adds a chain to the tensor it started from, or two chains
 * from one tensor, those chains being the tensors made just before it, in order, each used
 * once, the first starting from the tensor made just before them (so the residual
 * continues the body's chain).
 */
function residualEnding(made: Tensor[], i: number, uses: Map<Tensor, number>): { source: Tensor; body: Tensor[]; shortcut: Tensor[] } | undefined {
  const chainTo = (end: Tensor, stop: Tensor): Tensor[] | undefined => {
    const chain: Tensor[] = [];
    for (let t: Tensor | undefined = end; t !== stop; t = t.from[0]) {
      if (!t || !t.layer || t.from.length !== 1 || isMerge(t) || uses.get(t) !== 1) return undefined;
      chain.unshift(t);
    }
    return chain;
  };
  const [a, b] = made[i].from;
  for (const [main, other] of [[a, b], [b, a]]) {
    // The source: the shortcut's operand itself, or where both chains start.
    const source = backFrom(other).find((s) => s !== main && backFrom(main).includes(s));
    if (!source) continue;
    const body = chainTo(main, source);
    const shortcut = other === source ? [] : chainTo(other, source);
    if (!body?.length || !shortcut) continue;
    // Just above the add, the body then the shortcut (or the other way round), and the source just above them.
    const above = made.slice(i - body.length - shortcut.length, i);
    const inOrder = [...body, ...shortcut].every((t, k) => above[k] === t) || [...shortcut, ...body].every((t, k) => above[k] === t);
    const first = i - body.length - shortcut.length;
    const before = first === 0 ? made[0].from[0] : made[first - 1];
    if (inOrder && first >= 0 && source === before) {
      return { source, body: [...above].filter((t) => body.includes(t)), shortcut: [...above].filter((t) => shortcut.includes(t)) };
    }
  }
  return undefined;
}

const isMerge = (t: Tensor) => t.from.length > 1 || t.layer === 'concat' || Object.values(MERGES).includes(t.layer!);

/** `text` with each name of `values` (whole words, not attributes) replaced by its value. */
function substitute(text: string, values: ReadonlyMap<string, string>): string {
  if (values.size === 0) return text;
  return text.replace(/(?<![\w.])[A-Za-z_]\w*(?!\s*=[^=])/g, (word) => values.get(word) ?? word);
}
