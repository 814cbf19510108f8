/**
 * Python's expressions, as much of them as a model's `forward` writes: names, attributes,
 * calls with positional and keyword arguments, tuples and lists, numbers, strings, and the
 * arithmetic operators. Each node keeps its offsets in the text, so that what is passed on
 * is the text as written. Used to read a model written as a Python class (python-class.ts); dlnet's own
 * grammar is parser.ts.
 */

export type PyExpr =
  | { kind: 'name'; text: string; start: number; end: number }
  | { kind: 'literal'; start: number; end: number }
  | { kind: 'attribute'; object: PyExpr; name: string; start: number; end: number }
  | { kind: 'call'; callee: PyExpr; args: PyArg[]; start: number; end: number }
  | { kind: 'binary'; op: string; left: PyExpr; right: PyExpr; start: number; end: number }
  | { kind: 'sequence'; items: PyExpr[]; start: number; end: number }
  | { kind: 'subscript'; object: PyExpr; start: number; end: number };

export interface PyArg {
  name?: string;
  value: PyExpr;
  start: number;
  end: number;
}

interface Token {
  text: string;
  kind: 'name' | 'number' | 'string' | 'op';
  start: number;
  end: number;
}

const TOKEN = /\s*(?:([A-Za-z_]\w*)|(\d[\d_]*(?:\.\d*)?(?:[eE][+-]?\d+)?j?|\.\d+)|("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')|(\*\*|\/\/|->|[+\-*/@%]=?|[()[\]{},.:=]))/y;

function tokenize(text: string): Token[] | undefined {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < text.length) {
    const at = TOKEN.lastIndex;
    const m = TOKEN.exec(text);
    if (!m) return text.slice(at).trim() === '' ? tokens : undefined;
    const kind = m[1] ? 'name' : m[2] ? 'number' : m[3] ? 'string' : 'op';
    const image = m[1] ?? m[2] ?? m[3] ?? m[4];
    tokens.push({ text: image, kind, start: TOKEN.lastIndex - image.length, end: TOKEN.lastIndex });
  }
  return tokens;
}

const MAX_DEPTH = 64;

/** The expression `text` is, or undefined where it is more Python than a model's `forward` writes. */
export function parsePython(text: string): PyExpr | undefined {
  const read = tokenize(text);
  if (!read || read.length === 0) return undefined;
  const tokens: Token[] = read;
  let i = 0;
  const peek = (s: string) => tokens[i]?.kind === 'op' && tokens[i].text === s;
  const take = (s: string) => (peek(s) ? tokens[i++] : undefined);

  /** One level of left-associative operators over the level below it. */
  const operators = (ops: readonly string[], below: () => PyExpr | undefined) => (): PyExpr | undefined => {
    let left = below();
    while (left && ops.some(peek)) {
      const op = tokens[i++].text;
      const right = below();
      if (!right) return undefined;
      left = { kind: 'binary', op, left, right, start: left.start, end: right.end };
    }
    return left;
  };
  // Precedence as Python's: + - below * / // @ %, below unary minus, below calls and attributes.
  const product = operators(['*', '/', '//', '@', '%'], unary);
  const sum = operators(['+', '-'], product);
  function unary(): PyExpr | undefined {
    const minus = take('-');
    const operand = postfix();
    return minus && operand ? { kind: 'literal', start: minus.start, end: operand.end } : operand;
  }
  function postfix(): PyExpr | undefined {
    let e = atom();
    while (e) {
      if (take('.')) {
        const name = tokens[i]?.kind === 'name' ? tokens[i++] : undefined;
        if (!name) return undefined;
        e = { kind: 'attribute', object: e, name: name.text, start: e.start, end: name.end };
      } else if (take('(')) {
        depth++;
        const args = argumentsUntil(')');
        depth--;
        if (!args) return undefined;
        e = { kind: 'call', callee: e, args, start: e.start, end: tokens[i - 1].end };
      } else if (take('[')) {
        // An index or a slice (`out[:, -1, :]`): kept as written, for the reader to judge by its text.
        let open = 1;
        while (tokens[i] && open > 0) {
          const t = tokens[i++].text;
          if (t === '[' || t === '(') open++;
          else if (t === ']' || t === ')') open--;
        }
        if (open > 0) return undefined;
        e = { kind: 'subscript', object: e, start: e.start, end: tokens[i - 1].end };
      } else break;
    }
    return e;
  }
  let depth = 0;
  function atom(): PyExpr | undefined {
    const tok = tokens[i];
    // Brackets nested deeper than any model writes them are not read (and never overflow the stack).
    if (!tok || depth > MAX_DEPTH) return undefined;
    if (tok.kind === 'name') {
      i++;
      return { kind: 'name', text: tok.text, start: tok.start, end: tok.end };
    }
    if (tok.kind === 'number' || tok.kind === 'string') {
      i++;
      return { kind: 'literal', start: tok.start, end: tok.end };
    }
    if (take('(') || take('[')) {
      const close = tok.text === '(' ? ')' : ']';
      depth++;
      const items = itemsUntil(close);
      depth--;
      if (!items) return undefined;
      // `(x)` is x; `(a, b)` and `[a]` are sequences.
      const single = close === ')' && items.length === 1 && tokens[i - 2]?.text !== ',';
      return single ? items[0] : { kind: 'sequence', items, start: tok.start, end: tokens[i - 1].end };
    }
    return undefined;
  }
  function itemsUntil(close: string): PyExpr[] | undefined {
    const items: PyExpr[] = [];
    while (!take(close)) {
      const e = sum();
      if (!e) return undefined;
      items.push(e);
      if (!take(',') && !peek(close)) return undefined;
    }
    return items;
  }
  function argumentsUntil(close: string): PyArg[] | undefined {
    const args: PyArg[] = [];
    while (!take(close)) {
      const named = tokens[i]?.kind === 'name' && tokens[i + 1]?.text === '=' ? tokens[i] : undefined;
      if (named) i += 2;
      const value = sum();
      if (!value) return undefined;
      args.push({ name: named?.text, value, start: named?.start ?? value.start, end: value.end });
      if (!take(',') && !peek(close)) return undefined;
    }
    return args;
  }

  const e = sum();
  return e && i === tokens.length ? e : undefined;
}

/** `self.conv1`, `F.relu`, `torch.nn.functional.relu` as the dotted path they are, or undefined. */
export function dottedPath(e: PyExpr): string | undefined {
  if (e.kind === 'name') return e.text;
  if (e.kind !== 'attribute') return undefined;
  const object = dottedPath(e.object);
  return object === undefined ? undefined : `${object}.${e.name}`;
}

/** The parts of a list's or a call's text, split at its top-level commas. */
export function topLevel(list: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < list.length; i++) {
    const c = list[i];
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(list.slice(start, i).trim());
      start = i + 1;
    }
  }
  parts.push(list.slice(start).trim());
  return parts.filter(Boolean);
}

/**
 * A line of Python from `from`, with the bracket `depth` open before it: its code (the
 * comment left out, strings kept whole), the depth open at its end, and where a closing
 * bracket first brings the depth to 0, if one does. Undefined where a string is left open
 * (dlnet reads no string over several lines).
 */
export function lineCode(line: string, from = 0, depth = 0): { code: string; depth: number; closedAt?: number } | undefined {
  let code = '';
  let closedAt: number | undefined;
  for (let i = from; i < line.length; i++) {
    const c = line[i];
    if (c === '#') break;
    if (c === '"' || c === "'") {
      const close = line.indexOf(c, i + 1);
      if (close < 0) return undefined;
      code += line.slice(i, close + 1);
      i = close;
      continue;
    }
    if (c === '(' || c === '[' || c === '{') depth++;
    else if ((c === ')' || c === ']' || c === '}') && --depth === 0) closedAt ??= i;
    code += c;
  }
  return { code, depth, closedAt };
}

/**
 * The call that starts at `from` in `code` (which may span lines), to the parenthesis that
 * closes it, on one line: read a line at a time as `lineCode` reads them, so that strings'
 * and comments' brackets count for nothing and comments are left out.
 */
export function balancedCall(code: string, from: number): string | undefined {
  const open = code.indexOf('(', from);
  if (open < 0) return undefined;
  let written = code.slice(from, open);
  let depth = 0;
  for (let start = code.lastIndexOf('\n', open) + 1, at = open - start; start <= code.length; at = 0) {
    const end = code.indexOf('\n', start);
    const line = code.slice(start, end < 0 ? code.length : end);
    const read = lineCode(line, at, depth);
    if (!read) return undefined;
    if (read.closedAt !== undefined) return `${written}${line.slice(at, read.closedAt + 1)}`.replace(/\s+/g, ' ');
    if (end < 0) return undefined;
    written += `${read.code} `;
    depth = read.depth;
    start = end + 1;
  }
  return undefined;
}
