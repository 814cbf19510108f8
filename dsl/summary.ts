/** The per-model summary that `dlnet summary --json` prints and the editor shows (a contract: fields are only added), and its table. */
import { leastSizesOf, leastSizesText } from './semantics/on-data';
import { nodeShape, type ModelGraph } from './semantics/graph';
import { formatShape } from './semantics/shape';

export function modelSummary(g: ModelGraph) {
  const leastSizes = g.ok ? leastSizesOf(g) : undefined;
  return {
    name: g.name,
    inputs: g.inputs.map((i) => ({ name: i.id, shape: i.shape, dtype: i.dtype })),
    outputs: g.outputs.map((id) => nodeShape(g, id) ?? null),
    totalParams: g.totalParams,
    layers: g.layers.map((l) => ({ name: l.id, kind: l.kind, line: l.range.start.line, outputShape: l.outputShape, params: l.params })),
    /** The least values of the inputs' symbolic sizes from which the model runs, those above 1 (`{"T": 5}` for a window of 5 over `[T, 1]`). */
    ...(leastSizes ? { leastSizes } : {}),
    /** The model has errors: its layers stop where its check did, and its parameters are theirs. */
    ...(g.ok ? {} : { partial: true as const }),
  };
}

export type ModelSummary = ReturnType<typeof modelSummary>;

/** A model's summary as the command line and the editor print it: a line for the model, then a row per input and layer. */
export function renderModelSummary(m: ModelSummary): string {
  const rows: string[][] = [['layer', 'kind', 'output', 'params', 'line']];
  for (const i of m.inputs) rows.push([i.name, 'input', formatShape(i.shape), '0', '']);
  for (const l of m.layers) rows.push([l.name, l.kind, formatShape(l.outputShape), l.params === null ? '?' : l.params.toLocaleString('en'), String(l.line + 1)]);
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const lines = rows.map((r) => r.map((cell, c) => (c === 3 ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join('  ').trimEnd());
  const total = m.totalParams === null ? '?' : m.totalParams.toLocaleString('en');
  const least = m.leastSizes ? `; runs with ${leastSizesText(m.leastSizes)}` : '';
  const partial = m.partial ? ' in the layers that check (the model has errors)' : '';
  return [`model ${m.name}: ${total} parameters${partial}${least}`, ...lines.map((l) => `  ${l}`)].join('\n');
}
