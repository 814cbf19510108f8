/**
 * Models written in Python whose lines span the parse cache's pieces (which are cut at
 * declaration keywords), so they are looked at on the whole text's errors, after the parse.
 *
 * A model written with Keras's functional API at the top of a file, as Keras's guides
 * write one:
 *
 *     inputs = keras.Input(shape=(784,))
 *     x = layers.Dense(64, activation="relu")(inputs)
 *     outputs = layers.Dense(10)(x)
 *     model = keras.Model(inputs=inputs, outputs=outputs, name="mnist_model")
 *
 * Each line above `model = keras.Model(...)` is no declaration, and each was said so. They
 * are one thing: the body of a model. So they are said once, at the `Model(...)` line, with
 * the fix that wraps them in `model MnistModel { ... }` (an `output` line where the outputs
 * are not the last statement's); the habits inside a body (Input(shape=...), a layer applied
 * to its input) then have fixes of their own.
 *
 * A PyTorch module, `class Net(nn.Module):` with its `__init__` and `forward` (or Keras's
 * subclass and its `call`), is said once at its class line, with the fix that declares the
 * model forward applies, or a block where another class uses it as a layer (python-class.ts).
 *
 * And a Sequential model pasted below a declaration (`net = nn.Sequential(...)`): read with
 * the declaration above's piece, whose parser says only "expected a declaration". It gets
 * the Sequential's own error and fix (sequential.ts), which at the top of a file or on a
 * `model =` line comes with the model read as written.
 */
import type { IToken } from 'chevrotain';
import type { SyntaxError } from './parser';
import type * as ast from './ast';
import { lexDeclarations, startsDeclaration } from './lexer';
import { declarationTokens } from './parse';
import { LineIndex, splitLines } from './range';
import { scriptConstantsOf, sequentialModel, sequentialName } from './sequential';
import { scriptErrors } from './python-script';
import { ScriptValues, scriptStatements } from './python-statements';
import { classUsers, mayStartClass, MODULE_CLASS, moduleClassError, moduleClassLines, type Instantiation, type ModuleClass } from './python-class';
import { balancedCall, lineCode, parsePython, topLevel, type PyArg } from './python-expression';

const INPUT_LINE = /^\s*[A-Za-z_]\w*\s*=\s*(?:[A-Za-z_]\w*\.)*Input\s*\(/;
const MODEL_START = /^(\s*)([A-Za-z_]\w*)\s*=\s*(?:[A-Za-z_]\w*\.)*Model\(/;

/** `model = keras.Model(...)`, on its line or over several. */
interface ModelCall {
  indent: string;
  variable: string;
  /** The text between its parentheses, lines joined by a space, comments left out. */
  args: string;
  /** The line its `)` closes it on. */
  last: number;
}

/** The `Model(...)` call that starts on `line`, read to the `)` that closes it (nothing but a comment after); undefined if there is none. */
function modelCallAt(lines: readonly string[], line: number): ModelCall | undefined {
  const start = MODEL_START.exec(lines[line]);
  if (!start) return undefined;
  let depth = 1;
  let args = '';
  // A call of Keras's spans a few lines: one left open further than this is no Model call dlnet reads.
  for (let l = line, from = start[0].length; l < lines.length && l < line + 50; l++, from = 0) {
    const text = lines[l];
    const read = lineCode(text, from, depth);
    if (!read) return undefined;
    if (read.closedAt !== undefined) {
      const rest = text.slice(read.closedAt + 1).trim();
      return rest === '' || rest.startsWith('#') ? { indent: start[1], variable: start[2], args: `${args}${text.slice(from, read.closedAt)}`.trim(), last: l } : undefined;
    }
    args += `${read.code} `;
    depth = read.depth;
  }
  return undefined;
}

/** `errors`, with those of a Python model's lines replaced by one whose fix declares the model. */
export function pythonModels(text: string, file: ast.SourceFile, errors: readonly SyntaxError[]): readonly SyntaxError[] {
  if (errors.length === 0) return errors;
  const script = SCRIPT.test(text);
  if (!script && !text.includes('Model(') && !text.includes('Sequential(') && !text.includes('class ')) return errors;
  const lines = splitLines(text);
  // Outside every declaration (`model = ...` starts one the parser could not read, which ends there).
  const outside = (line: number) => !file.decls.some((d) => d.range.start.line < line && line <= d.range.end.line);
  let out = errors;
  const read: [number, number][] = [];
  // The lines' own errors were symptoms ("expected a declaration"); what the lexer read as its repair (a module path) still stands.
  const replace = (first: number, last: number, error: SyntaxError | undefined, all = false) => {
    out = [...out.filter((x) => x.range.start.line < first || x.range.start.line > last || (x.lineReadAsWritten && !all)), ...(error ? [error] : [])];
    read.push([first, last]);
  };
  let index: LineIndex | undefined;
  // The model classes, first all of them: a class another one uses as a layer is a block.
  const classes = text.includes('class ') ? moduleClasses(lines, outside) : [];
  const users = classUsers(lines, classes);
  let after = -1;
  // A script's lines: not in a declaration of dlnet's (marked once: a file of thousands of declarations asks for each of its lines).
  const taken = new Uint8Array(lines.length);
  if (script) for (const d of file.decls) if (!PYTHON_ASSIGNMENT.test(lines[d.range.start.line])) taken.fill(1, d.range.start.line, d.range.end.line + 1);
  let values: ScriptValues | undefined;
  for (const [line, written] of lines.entries()) {
    if (line <= after || (!written.includes('Model(') && !written.includes('Sequential(') && !written.includes('class'))) continue;
    const module = classes.find((c) => c.line === line);
    if (module) {
      // Python through and through: what the lexer read of its lines (`self.` a module path) would only mislead.
      replace(line, (after = module.last), moduleClassError(lines, module, users.get(module), script ? instantiation(lines, module, (values ??= new ScriptValues(lines, scriptStatements(lines, (l) => taken[l] === 1)))) : undefined), true);
      continue;
    }
    const call = outside(line) ? modelCallAt(lines, line) : undefined;
    if (call) {
      const found = modelAt(lines, line, call, file);
      if (found) replace(found.first, (after = call.last), found.error);
      continue;
    }
    // A declaration that starts here was read as the Sequential (at the top of the file, or `model = ...`).
    if (SEQUENTIAL_CALL.test(written) && outside(line) && !file.decls.some((d) => d.range.start.line === line)) {
      const found = sequentialAt(text, (index ??= new LineIndex(text)), line);
      if (found) replace(line, found.last, found.error);
    }
  }
  if (!script) return out;
  // The rest of a script pasted whole, outside dlnet's declarations and the models read above.
  for (const [first, last] of read) taken.fill(1, first, last + 1);
  const claimed = (line: number) => taken[line] === 1;
  const statements = scriptStatements(lines, claimed);
  const modelOf = (variable: string) => modelNamed(lines, variable, classes);
  for (const { first, last, error } of scriptErrors(lines, statements, modelOf)) replace(first, last, error, true);
  return out;
}

/**
 * A line of Python that is no model or Sequential: an import, a function, a compound
 * statement (the script's entry, a loop), or a method called at the top of the file
 * (`model.compile(...)`, `x = x.reshape(...)`), which no dlnet file has there (what Fix All
 * leaves of a script once its imports are gone).
 */
const SCRIPT = /^(?:import\s|from\s+[\w.]+\s+import\s|def\s|(?:if|for|while|with|try)\b.*:\s*(?:#.*)?$|(?:[A-Za-z_]\w*\s*=\s*)?[A-Za-z_]\w*(?:\.\w+)+\s*\()/m;

/** `model = Net()` starts a declaration for the parser (and is none); `model = keras.Sequential(...)` is read as one. */
const PYTHON_ASSIGNMENT = /^[A-Za-z_]\w*\s*=(?!.*\bSequential\s*\()/;

/** The arguments the script first makes `module` with (`model = NeuralNet(input_size, 500).to(device)`), outside the class. */
function instantiation(lines: readonly string[], module: ModuleClass, values: ScriptValues): Instantiation | undefined {
  const made = new RegExp(`(?<![\\w.])${module.match[2]}\\s*\\(`);
  for (const [i, line] of lines.entries()) {
    if (i >= module.line && i <= module.last) continue;
    const at = line.search(made);
    const call = at < 0 ? undefined : balancedCall(line, at);
    const e = call ? parsePython(call) : undefined;
    if (e?.kind !== 'call') continue;
    const resolve = (a: PyArg) => values.resolve(call!.slice(a.value.start, a.value.end));
    return {
      positional: e.args.filter((a) => !a.name).map(resolve),
      named: new Map(e.args.flatMap((a) => {
        const value = a.name ? resolve(a) : undefined;
        return a.name && value !== undefined ? [[a.name, value] as const] : [];
      })),
    };
  }
  return undefined;
}

/** The dlnet model that the script's `variable` holds: a Sequential's, a functional model's, a module class's, as their fixes name them. */
function modelNamed(lines: readonly string[], variable: string, classes: readonly ModuleClass[]): string {
  const assigned = new RegExp(`^\\s*${variable}\\s*=\\s*(.*)$`);
  for (const [i, line] of lines.entries()) {
    const value = assigned.exec(line)?.[1];
    if (value === undefined) continue;
    if (/\bSequential\s*\(/.test(value)) return sequentialName(variable);
    const model = modelCallAt(lines, i);
    if (model) return pascal(modelArguments(model.args).name ?? variable);
    const made = /^([A-Za-z_]\w*)\s*\(/.exec(value)?.[1];
    // A class of the file, or one named as classes are (a model the script imports, which dlnet names the same).
    if (made && (classes.some((c) => c.match[2] === made) || /^[A-Z]/.test(made))) return made;
  }
  return pascal(variable);
}

/** The model classes (PyTorch's modules, Keras's subclasses) outside every declaration. */
function moduleClasses(lines: readonly string[], outside: (line: number) => boolean): ModuleClass[] {
  const classes: ModuleClass[] = [];
  for (let line = 0; line < lines.length; line++) {
    const match = mayStartClass(lines[line]) && outside(line) ? MODULE_CLASS.exec(lines[line]) : null;
    const found = match ? moduleClassLines(lines, line, match) : undefined;
    if (found) {
      classes.push(found);
      line = found.last;
    }
  }
  return classes;
}

const SEQUENTIAL_CALL = /^\s*[A-Za-z_]\w*\s*=\s*(?:[A-Za-z_]\w*\.)*Sequential\(/;

/** The Sequential call that starts line `line`, lexed to its closing parenthesis: its error and fix, and its last line. */
function sequentialAt(text: string, index: LineIndex, line: number): { error: SyntaxError; last: number } | undefined {
  const tokens: IToken[] = [];
  let depth = 0;
  let end = -1;
  // Its tokens up to the `)` that closes `Sequential(` (the lexer skips strings' and comments' parentheses), within its piece.
  const lineStart = (l: number) => index.offset({ line: l, character: 0 });
  let next = line + 1;
  while (lineStart(next) < text.length && !startsDeclaration(text, lineStart(next))) next++;
  lexDeclarations(text, (segment) => tokens.push(...segment), { offset: lineStart(line), line }, lineStart(next));
  for (const [i, tok] of tokens.entries()) {
    const image = tok.image;
    if (image === '(' || image === '[') depth++;
    else if ((image === ')' || image === ']') && --depth === 0) {
      end = i;
      break;
    }
  }
  if (end < 0) return undefined;
  const found = sequentialModel(declarationTokens(tokens.slice(0, end + 1)), text);
  return found && { error: found.error, last: tokens[end].startLine! - 1 };
}

function modelAt(lines: string[], line: number, call: ModelCall, file: ast.SourceFile): { first: number; error: SyntaxError } | undefined {
  // The body: the lines after the last declaration above, blank ones at either end left out.
  const above = file.decls.filter((d) => d.range.end.line < line).reduce((end, d) => Math.max(end, d.range.end.line), -1);
  let first = above + 1;
  // A script's imports and data above the model are not its body, which starts with its input.
  const input = lines.slice(first, line).findIndex((l) => INPUT_LINE.test(l));
  if (input > 0) first += input;
  while (first < line && lines[first].trim() === '') first++;
  let last = line - 1;
  while (last >= first && lines[last].trim() === '') last--;
  const body = lines.slice(first, last + 1);
  if (!body.some((l) => /^\s*[A-Za-z_]\w*\s*=/.test(l))) return undefined;
  const { outputs, name } = modelArguments(call.args);
  const modelName = pascal(name ?? call.variable);
  const lastBound = [...body].reverse().map((l) => /^\s*([A-Za-z_]\w*)\s*=/.exec(l)?.[1]).find((n) => n !== undefined);
  const output = outputs && !(outputs.length === 1 && outputs[0] === lastBound) ? [`output ${outputs.join(', ')}`] : [];
  const indent = call.indent;
  // The script's constants are written where the layers use them (`Dense(encoding_dim)` → `Dense(32)`), since their lines go.
  const constants = scriptConstantsOf(lines);
  const written = (l: string) => (constants.size ? withConstants(l, constants) : l);
  const newText = [`${indent}model ${modelName} {`, ...[...body, ...output].map((l) => (l.trim() === '' ? '' : `${indent}  ${written(l.slice(Math.min(indent.length, l.length - l.trimStart().length)))}`)), `${indent}}`].join('\n');
  const range = { start: { line: first, character: 0 }, end: { line: call.last, character: lines[call.last].length } };
  return {
    first,
    error: {
      message: `\`${call.variable} = Model(...)\` closes a model written with Keras's functional API; dlnet writes those lines in the model's body: model ${modelName} { ... }`,
      range: { start: { line, character: indent.length }, end: { line: call.last, character: lines[call.last].trimEnd().length } },
      fixes: [{ title: `Declare model ${modelName} around its lines`, edits: [{ range, newText }], preferred: true }],
      declares: modelName,
    },
  };
}

/** A line of Python with the constants it reads written as their values: a name not bound, named or called there, nor an attribute. */
function withConstants(line: string, constants: ReadonlyMap<string, string>): string {
  return line.replace(/(?<![\w.'"])([A-Za-z_]\w*)(?![\w'"(])(?!\s*=(?!=))/g, (name) => constants.get(name) ?? name);
}

/** The names `Model(...)` is given as its outputs (second positional argument or `outputs=`), and its `name=`. */
function modelArguments(args: string): { outputs?: string[]; name?: string } {
  const parts = topLevel(args);
  const named = (key: string) => parts.find((p) => new RegExp(`^${key}\\s*=`).test(p))?.replace(/^\w+\s*=\s*/, '');
  const outputs = named('outputs') ?? parts.filter((p) => !/^\w+\s*=/.test(p))[1];
  const name = named('name')?.replace(/^["']|["']$/g, '');
  const list = outputs?.replace(/^[[(]|[\])]$/g, '').split(',').map((s) => s.trim()).filter(Boolean);
  return { outputs: list?.every((n) => /^[A-Za-z_]\w*$/.test(n)) ? list : undefined, name: name && /^\w+$/.test(name) ? name : undefined };
}

/** `mnist_model` → `MnistModel`, `model` → `Model`: a model's name as dlnet writes them. */
function pascal(name: string): string {
  return name.split('_').filter(Boolean).map((w) => w[0].toUpperCase() + w.slice(1)).join('') || 'Model';
}
