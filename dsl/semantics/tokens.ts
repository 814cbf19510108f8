/**
 * Texts as token ids. A column of prose read one-hot makes each whole text a feature that
 * no other row shares: said at the source, with the fix that reads its words instead.
 * A model trained on texts read as token ids (a csv source's `text:`): the ids are names of
 * words, up to the vocabulary's size, not amounts. The layer that reads them must be an
 * embedding with a row for every id: TensorFlow fails mid-training on an id past its last
 * row ("indices[3,7] = 9412 is not in [0, 5000)"), and a dense layer would weigh word 812
 * as 812 times word 1.
 */
import { textsOf, type DatasetShapes, type TokenEncoding } from '../catalog';
import { diagnostic, type Fix } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { lineOf } from '../syntax/range';
import type { Context } from './context';
import type { LayerNode, ModelGraph } from './graph';
import { givenArgument, settingArgument } from './values';

/** The width of the embedding a fix puts first: small, as a first model on a small table wants. */
const FIRST_EMBEDDING_WIDTH = 16;

export function checkTokens(ctx: Context, decl: ast.TrainDecl, g: ModelGraph, data: DatasetShapes, dataDecl: ast.DatasetDecl): void {
  const tokens = data.encoding?.text;
  if (!tokens || g.inputs.length !== 1) return;
  const first = g.layers.find((l) => l.inputs.includes(g.inputs[0].id));
  if (!first) return;
  if (first.kind === 'embedding') checkRows(ctx, decl, first, tokens, dataDecl);
  else readAsAmounts(ctx, decl, g, first, tokens, dataDecl);
}

/**
 * A table's columns of prose, read one-hot (`review` is 4,000 features, one a review, each
 * 1 in one row): the fix reads the column's words as token ids, where the source names no
 * features (a column of texts is then the only one read).
 */
export function checkProse(ctx: Context, decl: ast.DatasetDecl, source: ast.Call, shapes: DatasetShapes): void {
  for (const { column, words } of shapes.prose ?? []) {
    const texts = textsOf(shapes.encoding!, column)!.length;
    const named = givenArgument(source, 'features') !== undefined;
    const fixes: Fix[] | undefined = named ? undefined : [{ title: `Read the words of ${column} as token ids: text: "${column}"`, edits: [settingArgument(source, 'text', JSON.stringify(column))] }];
    ctx.report(diagnostic('texts-one-hot', 'warning', source.argsRange ?? source.range,
      `dataset ${decl.name.text} reads column ${column}, texts of ${words} words on average, one-hot: each of its ${texts.toLocaleString('en-US')} texts is a feature of its own, and a text no other row has teaches nothing about the rest; text: "${column}" reads its words as token ids for an embedding${named ? ', as the only feature (without features:)' : ''}`, { fixes }));
  }
}

/** An embedding with fewer rows than the vocabulary has ids. */
function checkRows(ctx: Context, decl: ast.TrainDecl, embedding: LayerNode, tokens: TokenEncoding, dataDecl: ast.DatasetDecl): void {
  const rows = embedding.args.inputDim;
  const ids = tokens.vocabulary.length;
  if (typeof rows !== 'number' || rows >= ids) return;
  const call = ctx.nodeCalls.get(embedding);
  const fixes: Fix[] = [];
  // Only a number written in the call is rewritten: a block's parameter is the block user's to set.
  const written = call && givenArgument(call, 'inputDim')?.value;
  if (call && written?.kind === 'number') fixes.push({ title: `Give the embedding ${ids.toLocaleString('en-US')} rows, one per token id`, edits: [settingArgument(call, 'inputDim', String(ids))], preferred: true });
  if (dataDecl.source && rows >= 3) fixes.push({ title: `Keep the ${rows.toLocaleString('en-US')} most frequent words (and the two reserved ids): vocabulary: ${rows}`, edits: [settingArgument(dataDecl.source, 'vocabulary', String(rows))] });
  ctx.report(diagnostic('data-mismatch', 'error', decl.data.range,
    `dataset ${dataDecl.name.text} gives token ids up to ${(ids - 1).toLocaleString('en-US')} (vocabulary: ${ids.toLocaleString('en-US')}, line ${lineOf(dataDecl.range)}), but the embedding at line ${lineOf(embedding.range)} has ${rows.toLocaleString('en-US')} rows (inputDim): a larger id fails in training`, {
      fixes,
      related: [{ range: embedding.range, message: `inputDim ${rows}` }, { range: dataDecl.range, message: `dataset ${dataDecl.name.text}` }],
    }));
}

/**
 * Token ids fed to a layer that reads amounts. Where it is a dense layer on [length], the
 * fix puts an embedding and an average over the words before it: a bag of learned word
 * vectors, which the layers after it read as they read the ids' [length] before.
 */
function readAsAmounts(ctx: Context, decl: ast.TrainDecl, g: ModelGraph, first: LayerNode, tokens: TokenEncoding, dataDecl: ast.DatasetDecl): void {
  const ids = tokens.vocabulary.length;
  const input = ctx.inputStatement(g, g.inputs[0]);
  const indent = input ? `${ctx.lineBreak}${' '.repeat(input.range.start.character)}` : '';
  const fixes: Fix[] | undefined = input && first.kind === 'dense' ? [{
    title: `Insert embedding(${ids}, ${FIRST_EMBEDDING_WIDTH}) and globalAvgPool1d after the input (line ${lineOf(input.range)}): a learned vector per word, averaged over the text`,
    edits: [{ range: { start: input.range.end, end: input.range.end }, newText: `${indent}embedding(${ids}, ${FIRST_EMBEDDING_WIDTH})${indent}globalAvgPool1d` }],
  }] : undefined;
  ctx.report(diagnostic('data-mismatch', 'warning', decl.data.range,
    `dataset ${dataDecl.name.text} gives token ids (whole numbers up to ${(ids - 1).toLocaleString('en-US')} that name the words of ${tokens.column}), and model ${g.name} feeds them to ${first.kind} (line ${lineOf(first.range)}), which reads them as amounts: word ${ids - 1} would weigh ${ids - 1} times word 1; an embedding first gives each word a learned vector`, {
      fixes,
      related: [{ range: dataDecl.range, message: `dataset ${dataDecl.name.text}` }],
    }));
}
