/**
 * What to do about a residual whose body's output is not its input's shape: project the
 * input with a 1x1 shortcut where one gives the body's shape, or, where the body shortened
 * the sequence or image with windows that move one step, keep the length with
 * `padding: same`. A fix is offered only where it makes the shapes one.
 */
import type { Args } from '../catalog';
import { choiceName, pair } from '../catalog/params';
import type { Fix, TextEdit } from '../diagnostics';
import type * as ast from '../syntax/ast';
import type { StepInfo } from './context';
import { compareDims, compareShapes, convLength, known, type Shape } from './shape';
import { settingArgument } from './values';

export interface ResidualRepair {
  /** The message's last words: what would make the shapes one. */
  advice: string;
  fixes?: Fix[];
}

export function residualRepair(res: ast.Residual, input: Shape, output: Shape, steps: ReadonlyMap<ast.Step, StepInfo>): ResidualRepair {
  const projection = projectionFix(res, input, output);
  if (projection) return { advice: 'add a shortcut { ... } that projects the input', fixes: [projection] };
  // No 1x1 window lengthens what the body shortened: the body must keep the length.
  const shortened = input.length === output.length && input.slice(0, -1).some((d, i) => compareDims(d, output[i]) === 'differ');
  if (!shortened) return { advice: 'add a shortcut { ... } that turns the input into that shape' };
  const advice = 'the body must keep the sizes before the channels (windows with padding: same, moving one step)';
  const padding = samePaddingEdits(res, steps);
  if (compareDims(input[input.length - 1], output[output.length - 1]) !== 'differ') {
    return { advice, fixes: padding && [{ title: "Set padding: same in the residual's body", edits: padding, preferred: true }] };
  }
  // The channels differ too: once padded, the body keeps the input's sizes, and a 1x1 shortcut gives its channels.
  const kept = [...input.slice(0, -1), output[output.length - 1]];
  const shortcut = padding && projectionFix(res, input, kept);
  return {
    advice: `${advice}, and a shortcut { ... } that projects the input to its channels`,
    fixes: shortcut && [{ title: `Set padding: same in the residual's body and ${shortcut.title[0].toLowerCase()}${shortcut.title.slice(1)}`, edits: [...padding!, ...shortcut.edits], preferred: true }],
  };
}

/** A 1x1 projection that turns the residual's input into its body's output shape; none when no such projection does. */
function projectionFix(res: ast.Residual, input: Shape, output: Shape): Fix | undefined {
  const channels = output[output.length - 1];
  if (!known(channels) || input.length !== output.length) return undefined;
  let layer = `dense(${channels})`;
  let projected: Shape = [...input.slice(0, -1), channels];
  if (input.length === 3) {
    // A 1x1 window with stride s makes n into ceil(n / s), so this stride, if any, takes the input's height and width to the output's.
    const strides = [0, 1].map((i) => (known(input[i]) && known(output[i]) && output[i] > 0 ? Math.max(1, Math.ceil(input[i] / output[i])) : 1));
    const stride = strides[0] === strides[1] ? `${strides[0]}` : `[${strides.join(', ')}]`;
    layer = stride === '1' ? `conv2d(${channels}, kernel: 1)` : `conv2d(${channels}, kernel: 1, strides: ${stride})`;
    projected = [convLength(input[0], 1, strides[0], 'valid'), convLength(input[1], 1, strides[1], 'valid'), channels];
  }
  if (compareShapes(projected, output) === 'differ') return undefined;
  const at = res.body.range.end;
  return { title: `Add a projection shortcut { ${layer} }`, edits: [{ range: { start: at, end: at }, newText: ` shortcut { ${layer} }` }], preferred: true };
}

/**
 * `padding: same` on each window in the body that shortens what it is given, when every
 * such window moves one step (a stride would shorten it still) and every other layer in
 * the body keeps the sizes before the channels: then the body keeps them all. The body's
 * steps are judged by the shapes this use of them had; a block, a nested residual or
 * repeat, or a merge in the body is not looked into, and gets no fix.
 */
function samePaddingEdits(res: ast.Residual, steps: ReadonlyMap<ast.Step, StepInfo>): TextEdit[] | undefined {
  const edits: TextEdit[] = [];
  for (const stmt of res.body.stmts) {
    if (stmt.kind !== 'chain') return undefined;
    for (const step of stmt.steps) {
      if (step.kind !== 'call') return undefined;
      const info = steps.get(step);
      if (!info?.layer || !info.args || !info.output || info.inputs.length !== 1) return undefined;
      const [from, to] = [info.inputs[0], info.output];
      if (from.length === to.length && from.slice(0, -1).every((d, i) => compareDims(d, to[i]) === 'equal')) continue;
      if (!movesOneStep(info.args) || choiceName(info.args, 'padding') !== 'valid') return undefined;
      edits.push(settingArgument(step, 'padding', 'same'));
    }
  }
  return edits.length ? edits : undefined;
}

/** A convolution or pooling window whose stride is 1 on every axis (a pooling window's stride is its size unless given). */
function movesOneStep(args: Args): boolean {
  const by = args.strides !== undefined ? 'strides' : args.pool !== undefined ? 'pool' : undefined;
  return by !== undefined && pair(args, by).every((s) => s === 1);
}
