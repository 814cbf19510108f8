/** Whole-document and range formatting, as line edits (the formatter never joins or splits lines). */
import type { TextEdit } from 'vscode-languageserver';
import { ide, lineBreakOf, splitLines } from '../../dsl';
import { safely, type ServerContext } from '../context';

function edits(document: string, text: string, tabSize: number, insertSpaces: boolean, startLine?: number, endLine?: number): TextEdit[] {
  const formatted = ide.format(text, { indent: insertSpaces ? ' '.repeat(tabSize) : '\t', document });
  if (formatted === undefined || formatted === text) return [];
  const lines = splitLines(text);
  const br = lineBreakOf(text);
  return ide.formatEdits(text, formatted, startLine, endLine).map((e) => {
    const end = e.line + e.count;
    // Replace whole lines, newline included, so that blank-line changes work too.
    const range = end < lines.length
      ? { start: { line: e.line, character: 0 }, end: { line: end, character: 0 } }
      : { start: { line: e.line, character: 0 }, end: { line: lines.length - 1, character: lines[lines.length - 1].length } };
    const newText = e.text.map((l) => l + br).join('');
    return { range, newText: end < lines.length ? newText : newText.slice(0, newText.length - br.length) };
  });
}

export function registerFormatting(ctx: ServerContext): void {
  ctx.connection.onDocumentFormatting(safely(ctx, 'formatting', [] as TextEdit[], (params) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return [];
    const text = doc.getText();
    const formatted = ide.format(text, { indent: params.options.insertSpaces ? ' '.repeat(params.options.tabSize) : '\t', document: doc.uri });
    if (formatted === undefined || formatted === text) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: formatted }];
  }));
  ctx.connection.onDocumentRangeFormatting(safely(ctx, 'range formatting', [] as TextEdit[], (params) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return [];
    return edits(doc.uri, doc.getText(), params.options.tabSize, params.options.insertSpaces, params.range.start.line, params.range.end.line);
  }));
}
