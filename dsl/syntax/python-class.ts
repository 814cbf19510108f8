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
 * the error, which then has no fix. This file finds the classes and reads `__init__`;
 * python-forward.ts reads what `forward` makes, python-class-writer.ts writes it.
 */
import { dottedPath, lineCode, parsePython, topLevel } from './python-expression';
import { writeModel } from './python-class-writer';
import { tensorOf, UNPACK, unpackRecurrent, UNREAD_ARGUMENTS, type Binding, type ReadScope, type Tensor } from './python-forward';
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

/** A method of the class: its `def` line, its parameters after `self`, and its statements. */
interface Method {
  def: Logical;
  params: { name: string; default?: string }[];
  body: Logical[];
}

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
export function moduleClassError(lines: readonly string[], { line, last, match }: ModuleClass, user?: ModuleClass, made?: Instantiation): SyntaxError {
  const indent = match[1].length;
  const statements = logicalLines(lines, line + 1, last);
  const name = match[2];
  const header = { line, indent, text: lines[line].trim() };
  const reading = Array.isArray(statements) ? readModule(statements, header, !!user, made) : { unread: statements.open, why: 'a bracket or string is left open' };
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
    const read = lineCode(raw, 0, depth);
    if (!read) return { open: open ?? { line: l, indent: raw.length - raw.trimStart().length, text: raw.trim() } };
    const { code } = read;
    depth = read.depth;
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

/** The arguments a script makes a model class with (`NeuralNet(input_size, 500)`), their values worked out where known. */
export interface Instantiation {
  positional: readonly (string | undefined)[];
  named: ReadonlyMap<string, string>;
}

/**
 * A class's layers in the order its forward applies them; as a block (`asBlock`), with
 * __init__'s parameters as the block's; as a model, with the values the script `made` it
 * with, or __init__'s defaults, standing in its parameters.
 */
function readModule(statements: Logical[], header: Logical, asBlock: boolean, made?: Instantiation): Reading {
  const methods = new Map<string, Method>();
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
  const members: ReadScope['members'] = new Map();
  // A block's parameters are __init__'s, its defaults as written; a model has none, so their defaults stand in the layers' arguments.
  const initParams = init?.params ?? [];
  if (asBlock && initParams.some((p) => !/^[A-Za-z_]\w*$/.test(p.name) || keywordNames.includes(p.name))) return { unread: init!.def, why: 'parameters a block cannot have' };
  const params = asBlock ? initParams.map((p) => (p.default === undefined ? p.name : `${p.name} = ${p.default}`)) : [];
  if (init) {
    // Its local sizes (`hidden = 128`), and a model's defaults, stand in the layers' arguments.
    const values = new Map(asBlock ? [] : initParams.flatMap((p, i) => {
      const value = made?.named.get(p.name) ?? made?.positional[i] ?? p.default;
      return value === undefined ? [] : [[p.name, value] as const];
    }));
    for (const s of init.body) {
      if (/^super\s*\(.*\)\s*\.\s*__init__\s*\(.*\)$/.test(s.text) || s.text === 'pass') continue;
      const compound = /^(if|for|while|with|try)\b/.exec(s.text);
      if (compound) return { unread: s, why: `an \`${compound[1]}\` statement, which dlnet's model has no counterpart of` };
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
      // `self._make_layer(block, 64, 2)`: layers a method of the class makes (in a loop, as ResNet's do) are not read.
      const method = expr.kind === 'call' ? /^self\.(\w+)$/.exec(dottedPath(expr.callee) ?? '')?.[1] : undefined;
      if (method) return { unread: s, why: `layers made by the class's method ${method}, which dlnet does not read` };
      members.set(assign[2], Object.assign(expr, { text }));
    }
  }
  const read = readForward(forward, members);
  if ('unread' in read) return read;
  // A block has no name for its input: the chain starts from it, and a residual adds it back, but nothing names it.
  if (asBlock && read.namesInput) return { unread: forward.def, why: 'forward names its input where a block cannot, which only starts from it' };
  return { lines: read.lines, params };
}

/** The dlnet body forward's statements write, the layers `__init__` made (`members`) applied where forward applies them; and whether it names forward's input. */
function readForward(forward: Method, members: ReadScope['members']): { lines: string[]; namesInput: boolean } | { unread: Logical; why: string } {
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
  return { lines, namesInput: named.has(input) };
}

/** `text` with each name of `values` (whole words, not attributes) replaced by its value. */
function substitute(text: string, values: ReadonlyMap<string, string>): string {
  if (values.size === 0) return text;
  return text.replace(/(?<![\w.])[A-Za-z_]\w*(?!\s*=[^=])/g, (word) => values.get(word) ?? word);
}
