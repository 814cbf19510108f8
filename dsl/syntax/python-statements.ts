/**
 * A Python script's statements, as pasted into a .dlnet file: each that starts in the first
 * column, over the lines its brackets, a `\`, a docstring or a compound statement's body
 * continue it to; and the values the script names (its constants, its command line's
 * defaults), for the readers that write them where they are used.
 */
import type { Range } from './range';
import { dottedPath, lineCode, parsePython, type PyExpr } from './python-expression';

export const IMPORT = /^(?:import\s+[A-Za-z_]|from\s+[\w.]+\s+import\b)/;
export const COMPOUND = /^(?:async\s+def|def|class|if|elif|else|for|while|with|try|except|finally)\b|^@/;
const CLAUSE = /^(?:elif|else|except|finally)\b/;
const ASSIGNED = /^\s*([A-Za-z_]\w*)\s*=(?!=)/;
/** A loss, an optimizer or a metric made at the top of the script: its name and the call. */
const OBJECT = /^([A-Za-z_]\w*)\s*=\s*((?:[A-Za-z_]\w*\.)*(?:losses|optimizers|metrics|optim|nn)\.[A-Za-z_]\w*\s*\(.*\))$/;

/** One statement at the top level of the script: its lines, and its code on one line (comments left out). */
export interface ScriptStatement {
  first: number;
  last: number;
  code: string;
}

/** A line no statement of the script may take (a dlnet declaration, or a model python-models.ts reads). */
export type Claimed = (line: number) => boolean;

/** The statements that start in the first column, outside what is claimed, in order. */
export function scriptStatements(lines: readonly string[], claimed: Claimed): ScriptStatement[] {
  const statements: ScriptStatement[] = [];
  for (let line = 0; line < lines.length; line++) {
    const text = lines[line];
    // (A closing bracket first on its line ends what a model's reader took: `)` after a Sequential's list.)
    if (claimed(line) || text.trim() === '' || /^[\s#)\]}]/.test(text)) continue;
    const statement = statementAt(lines, line, claimed);
    statements.push(statement);
    line = statement.last;
  }
  return statements;
}

/** The statement that starts at `line`: over the lines its brackets or a `\` continue it to, a string's `"""` to its close, and a compound's indented body and clauses. */
function statementAt(lines: readonly string[], line: number, claimed: Claimed): ScriptStatement {
  let last = line;
  let code = '';
  const triple = /^[rbuf]*("""|''')/.exec(lines[line]);
  if (triple && lines[line].indexOf(triple[1], triple[0].length) < 0) {
    // A docstring over several lines: to the line that closes it.
    while (last + 1 < lines.length && !lines[last + 1].includes(triple[1])) last++;
    return { first: line, last: Math.min(last + 1, lines.length - 1), code: lines[line].trim() };
  }
  for (let depth = 0; last < lines.length; last++) {
    const read = lineCode(lines[last], 0, depth);
    if (!read) break; // a string left open: the line ends the statement
    code += `${read.code.trim()} `;
    depth = read.depth;
    if (depth <= 0 && !read.code.trimEnd().endsWith('\\')) break;
  }
  last = Math.min(last, lines.length - 1);
  if (COMPOUND.test(lines[line])) {
    // Its body: indented lines (blank lines and comments inside), and its clauses at its column; a decorator's function too.
    for (let l = last + 1; l < lines.length && !claimed(l); l++) {
      const text = lines[l];
      if (text.trim() === '' || text.trimStart().startsWith('#')) continue;
      if (/^\s/.test(text) || CLAUSE.test(text) || (lines[last].startsWith('@') && l === last + 1)) last = l;
      else break;
    }
  }
  return { first: line, last, code: code.trim() };
}

/**
 * The values a script names, as the text dlnet writes for them: its constants (`NAME =`
 * a number, a string, or brackets of them, in any statement's lines; a later one wins, as
 * in Python) and its command line's defaults (`parser.add_argument('--lr', default=1.0)`
 * gives `args.lr`), and sums and products of those.
 */
export class ScriptValues {
  readonly constants = new Map<string, string>();
  /** What a statement at the top of the script binds to a framework's object, by name (`loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)`), for a setting that names it. */
  readonly objects = new Map<string, string>();
  private readonly defaults = new Map<string, string>();

  constructor(lines: readonly string[], statements: readonly ScriptStatement[]) {
    for (const { first, last, code: statement } of statements) {
      for (let l = first; l <= last; l++) {
        const name = ASSIGNED.exec(lines[l])?.[1];
        const value = name && lineCode(lines[l])?.code.slice(lines[l].indexOf('=') + 1).trim();
        const e = value ? parsePython(value) : undefined;
        if (name && e && isLiteral(e)) this.constants.set(name, value!);
      }
      // A constant over several lines (a list of class names broken across lines): its statement's code, on one line.
      const spanning = last > first ? /^([A-Za-z_]\w*)\s*=(?!=)\s*(.*)$/.exec(statement) : null;
      const whole = spanning ? parsePython(spanning[2]) : undefined;
      if (spanning && whole && isLiteral(whole)) this.constants.set(spanning[1], spanning[2].trim());
      const object = OBJECT.exec(statement);
      if (object) this.objects.set(object[1], object[2]);
      const code = lines.slice(first, last + 1).map((l) => lineCode(l)?.code ?? '').join(' ');
      for (const [, flag, rest] of code.matchAll(/add_argument\(\s*['"]--([\w-]+)['"]([^)]*)\)/g)) {
        const value = /\bdefault\s*=\s*([^,\s)]+)/.exec(rest)?.[1];
        if (value !== undefined) this.defaults.set(`args.${flag.replace(/-/g, '_')}`, value);
      }
    }
  }

  /** The text `code` (a Python expression) stands for, or undefined where it names what is not known. */
  resolve(code: string): string | undefined {
    const e = parsePython(code);
    return e && this.value(e, code);
  }

  private value(e: PyExpr, code: string): string | undefined {
    const text = code.slice(e.start, e.end);
    if (isLiteral(e)) return text;
    const path = dottedPath(e);
    if (path !== undefined) {
      const known = this.constants.get(path) ?? this.defaults.get(path);
      return known === undefined ? undefined : this.resolve(known);
    }
    if (e.kind !== 'binary') return undefined;
    const [left, right] = [this.value(e.left, code), this.value(e.right, code)].map(Number);
    if (!Number.isFinite(left) || !Number.isFinite(right)) return undefined;
    const result = e.op === '+' ? left + right : e.op === '-' ? left - right : e.op === '*' ? left * right : e.op === '//' && right !== 0 ? Math.floor(left / right) : NaN;
    return Number.isFinite(result) ? String(result) : undefined;
  }
}

const isLiteral = (e: PyExpr): boolean => e.kind === 'literal' || (e.kind === 'sequence' && e.items.every(isLiteral));

/**
 * The lines from `first` to `last` with the line break after them, the comment lines just
 * above (`# Hyper-parameters`), and the blank lines that follow but one (the text's end, for
 * its last line): what is removed leaves one blank line, and never touches the next region
 * (Fix All applies no two edits that touch).
 */
export function wholeLines(lines: readonly string[], first: number, last: number): Range {
  while (first > 0 && lines[first - 1].startsWith('#')) first--;
  let next = last + 1;
  while (next < lines.length && lines[next].trim() === '') next++;
  next = Math.max(last + 1, next - 1);
  return next < lines.length ? { start: { line: first, character: 0 }, end: { line: next, character: 0 } } : { start: { line: first, character: 0 }, end: { line: last, character: lines[last].length } };
}

/** A line's text, its trailing spaces left out: where a region's error is said. */
export const firstLine = (lines: readonly string[], line: number): Range => ({ start: { line, character: 0 }, end: { line, character: lines[line].trimEnd().length } });

/** "line 5", "lines 5–8". */
export const linesWord = (first: number, last: number): string => (first === last ? `line ${first + 1}` : `lines ${first + 1}–${last + 1}`);
