/**
 * What a model class's `forward` makes, written as a dlnet body (python-forward.ts reads it):
 * steps one a line, names where a tensor is used other than by the next line, residuals
 * where layers are added back to where they started, and an output line.
 */
import { isMerge, RETURN_SEQUENCES, type Tensor } from './python-forward';
import { keywordNames } from './tokens';

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
export function writeModel(made: Tensor[], returned: Tensor[]): { lines: string[]; named: Set<Tensor> } {
  for (const t of made) if (t.steps && t.layer?.endsWith(')')) t.layer = withSteps(t.layer);
  const lines = residualLines(made, returned);
  const previous = (i: number) => (i === 0 ? lines[0].from[0] : lines[i - 1].out);
  const needed = new Set<Tensor>();
  lines.forEach((l, i) => {
    // A step (or residual) on the tensor of the line before follows on; anything else names what it takes.
    if ((!isMerge(l.out) || l.residual) && l.from[0] === previous(i)) return;
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
