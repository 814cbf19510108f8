/**
 * Lints drawn from what makes deep nets train: initialisers that suit their
 * activation, deep saturating stacks, dropout where it cannot help, embeddings fed
 * computed numbers instead of indices.
 */
import { findLayer } from '../catalog';
import { diagnostic, type Fix, type TextEdit } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { lineOf, withoutItem, withoutLine } from '../syntax/range';
import type { Context } from './context';
import type { LayerNode, ModelGraph } from './graph';

const RELU_FAMILY = new Set(['relu', 'relu6', 'elu', 'leakyRelu', 'gelu', 'swish', 'mish']);
const SATURATING = new Set(['sigmoid', 'tanh', 'hardSigmoid', 'softsign']);
const NORMALISING = new Set(['batchNorm', 'layerNorm', 'add']);
const DROPOUTS = new Set(['dropout', 'spatialDropout1d', 'spatialDropout2d', 'gaussianNoise']);
export const VANISHING_DEPTH = 6;
/** Layers that move, repeat, pad with zeros or pick among their input's values without computing new ones: indices stay indices. */
const KEEPS_VALUES = new Set(['reshape', 'flatten', 'permute', 'repeatVector', 'cropping2d', 'zeroPadding2d', 'upSampling2d', 'maxPool1d', 'maxPool2d', 'globalMaxPool1d', 'globalMaxPool2d']);

/** The activation a layer's weights feed: its own, or that of an activation layer right after it. */
export function effectiveActivation(node: LayerNode, consumers: Map<string, LayerNode[]>): string | undefined {
  const own = findLayer(node.kind)?.activation?.(node.args);
  if (own && own !== 'linear') return own;
  let next = consumers.get(node.id);
  if (next?.length === 1 && (next[0].kind === 'batchNorm' || next[0].kind === 'layerNorm')) next = consumers.get(next[0].id);
  if (next?.length === 1 && findLayer(next[0].kind)?.family === 'activation') return findLayer(next[0].kind)!.activation!(next[0].args);
  return own;
}

function suitedInit(act: string): { family: RegExp; suggestion: string; why: string } | undefined {
  if (RELU_FAMILY.has(act)) return { family: /^he/, suggestion: 'heNormal', why: `${act} zeroes half its inputs, so its weights need variance 2/fanIn (He) to keep the signal from shrinking layer by layer` };
  if (SATURATING.has(act)) return { family: /^glorot/, suggestion: 'glorotUniform', why: `${act} saturates for large inputs; Glorot initialisation keeps its inputs in the responsive range` };
  if (act === 'selu') return { family: /^lecunNormal$/, suggestion: 'lecunNormal', why: 'selu is self-normalising only with lecunNormal initialisation' };
  return undefined;
}

export function lintModel(ctx: Context, g: ModelGraph): void {
  const consumers = new Map<string, LayerNode[]>();
  const byId = new Map<string, LayerNode>();
  for (const node of g.layers) {
    byId.set(node.id, node);
    for (const input of node.inputs) {
      const list = consumers.get(input);
      if (list) list.push(node);
      else consumers.set(input, [node]);
    }
  }
  lintInitialisers(ctx, g, consumers);
  lintVanishing(ctx, g);
  lintDropout(ctx, g, byId);
  lintEmbeddingInput(ctx, g, byId);
}

/** An embedding reads its input as row numbers: one fed by dense, conv and the like gets real numbers, cast to whole ones (a negative one fails). */
function lintEmbeddingInput(ctx: Context, g: ModelGraph, byId: Map<string, LayerNode>): void {
  for (const node of g.layers) {
    if (node.kind !== 'embedding') continue;
    let source = byId.get(node.inputs[0]);
    while (source && KEEPS_VALUES.has(source.kind)) source = byId.get(source.inputs[0]);
    if (!source) continue; // a model input: its data are the indices
    ctx.report(diagnostic('embedding-input', 'warning', node.range,
      `embedding looks up rows by index, but its input comes from ${source.kind} (line ${lineOf(source.range)}), which computes real numbers: they are cut to whole numbers, and a negative one fails in training; feed it an input of indices, such as input ids: [10] int32`, {
        related: [{ range: source.range, message: `${source.kind} computes the embedding's input` }],
      }));
  }
}

function lintInitialisers(ctx: Context, g: ModelGraph, consumers: Map<string, LayerNode[]>): void {
  for (const node of g.layers) {
    // Only the user's own choice is judged: an initialiser given at the layer's call.
    const arg = ctx.nodeCalls.get(node)?.args?.find((a) => a.name?.text === 'init');
    const init = arg && findLayer(node.kind)?.initializer?.(node.args);
    if (!init || !arg) continue;
    const initRange = arg.value.range;
    const act = effectiveActivation(node, consumers);
    const suited = act ? suitedInit(act) : undefined;
    if (init.name === 'zeros' || init.name === 'ones') {
      // The replacement is the one that suits the activation, so the fix raises no hint of its own.
      const replacement = suited?.suggestion ?? 'glorotUniform';
      ctx.report(diagnostic('init-activation', 'warning', initRange,
        `init: ${init.name} starts every unit of ${node.kind} identical, and identical units get identical updates: they never learn different features`, {
          fixes: [{ title: `Switch to ${replacement}`, edits: [{ range: initRange, newText: replacement }] }],
        }));
      continue;
    }
    if (!suited || suited.family.test(init.name)) continue;
    ctx.report(diagnostic('init-activation', 'hint', initRange,
      `init: ${init.name} does not suit ${act}: ${suited.why}; use ${suited.suggestion}`, {
        fixes: [{ title: `Switch the initialiser to ${suited.suggestion}`, edits: [{ range: initRange, newText: suited.suggestion }], preferred: true }],
      }));
  }
}

function lintVanishing(ctx: Context, g: ModelGraph): void {
  const depth = new Map<string, number>();
  const first = new Map<string, LayerNode>();
  for (const node of g.layers) {
    // The deepest input, the first of equals.
    let deepest = 0;
    let from: string | undefined;
    for (const input of node.inputs) {
      const inputDepth = depth.get(input) ?? 0;
      if (from === undefined || inputDepth > deepest) {
        deepest = inputDepth;
        from = input;
      }
    }
    const act = findLayer(node.kind)?.activation?.(node.args);
    let d: number;
    if (NORMALISING.has(node.kind) || (act && RELU_FAMILY.has(act))) d = 0;
    else if (act && SATURATING.has(act)) d = deepest + 1;
    else d = deepest;
    depth.set(node.id, d);
    first.set(node.id, d === 1 && deepest === 0 ? node : (from && first.get(from)) || node);
    if (d === VANISHING_DEPTH) {
      const start = first.get(node.id)!;
      ctx.report(diagnostic('vanishing-gradient', 'warning', node.range,
        `${VANISHING_DEPTH} saturating (sigmoid/tanh) layers in a row from line ${lineOf(start.range)} without normalisation or residual connections: each can shrink the gradient up to 4x, so the first layers barely learn; use relu with heNormal, batchNorm, or residual blocks`, {
          related: [{ range: start.range, message: 'the stack starts here' }],
        }));
      return;
    }
  }
}

function lintDropout(ctx: Context, g: ModelGraph, byId: Map<string, LayerNode>): void {
  for (const out of g.outputs) {
    // Back from the output through the layers without weights: the first dropout, and where the walk stops (the last layer with weights).
    let node = byId.get(out);
    let dropout: LayerNode | undefined;
    while (node && node.params === 0 && node.inputs.length === 1) {
      if (!dropout && DROPOUTS.has(node.kind)) dropout = node;
      node = byId.get(node.inputs[0]);
    }
    if (!dropout) continue;
    ctx.report(diagnostic('dropout-placement', 'warning', dropout.range,
      `${dropout.kind} after the last layer with weights drops parts of the model's output itself, which only adds noise to the loss; move it before a layer with weights`, {
        fixes: dropoutFixes(ctx, g, dropout, node),
      }));
  }
}

/**
 * Moving the dropout before the last layer with weights (`dense(10) -> dropout(0.5)`
 * becomes `dropout(0.5) -> dense(10)`; a dropout on a line of its own goes in front of
 * the dense on its line), and taking it out. Only where both are steps of the model's
 * own chains: in a block or a repeat, an edit would change every use or round.
 */
function dropoutFixes(ctx: Context, g: ModelGraph, dropout: LayerNode, weights: LayerNode | undefined): Fix[] | undefined {
  const body = ctx.model(g.name)?.body;
  const call = body && ctx.nodeCalls.get(dropout);
  const removal = call && stepRemoval(body, call);
  if (!removal) return undefined;
  const text = ctx.written(call.range);
  const fixes: Fix[] = [];
  // The walk also stops at a merge (no weights, several inputs): nothing to move in front of.
  const before = weights && weights.params !== 0 ? ctx.nodeCalls.get(weights) : undefined;
  if (before && statementOf(body, before) !== undefined) {
    const at = before.range.start;
    fixes.push({
      title: `Move ${text} before ${before.callee.text} (line ${lineOf(before.range)})`,
      edits: [{ range: { start: at, end: at }, newText: `${text} -> ` }, removal],
    });
  }
  fixes.push({ title: `Remove ${text}`, edits: [removal] });
  return fixes;
}

/** What takes a step out of its chain, or its statement out of the body when it is the whole of one that binds no name. */
function stepRemoval(body: ast.Body, call: ast.Call): TextEdit | undefined {
  const i = statementOf(body, call);
  if (i === undefined) return undefined;
  const stmt = body.stmts[i] as ast.ChainStmt;
  if (stmt.steps.length > 1) return { range: withoutItem(stmt.steps, call), newText: '' };
  return stmt.target ? undefined : { range: withoutLine(body.stmts, i, body.range), newText: '' };
}

/** Which of the body's statements has the call as one of its steps (not inside a residual or repeat). */
function statementOf(body: ast.Body, call: ast.Call): number | undefined {
  const i = body.stmts.findIndex((s) => s.kind === 'chain' && s.steps.includes(call));
  return i < 0 ? undefined : i;
}
