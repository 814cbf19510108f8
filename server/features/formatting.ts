/** Whole-document and range formatting, as line edits (the formatter never joins or splits lines). */
import type { FormattingOptions, TextEdit } from 'vscode-languageserver';
import { ide, lineBreakOf, splitLines } from '../../dsl';
import { safely, type ServerContext } from '../context';

/** The document's text formatted with the editor's indentation, or undefined when it has syntax errors. */
function formatted(document: string, text: string, options: FormattingOptions): string | undefined {
  return ide.format(text, { indent: options.insertSpaces ? ' '.repeat(options.tabSize) : '\t', document });
}

function edits(document: string, text: string, options: FormattingOptions, startLine?: number, endLine?: number): TextEdit[] {
  const after = formatted(document, text, options);
  if (after === undefined || after === text) return [];
  const lines = splitLines(text);
  const br = lineBreakOf(text);
  return ide.formatEdits(text, after, startLine, endLine).map((e) => {
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
    const after = formatted(doc.uri, text, params.options);
    if (after === undefined || after === text) return [];
    return [{ range: { start: { line: 0, character: 0 }, end: doc.positionAt(text.length) }, newText: after }];
  }));
  ctx.connection.onDocumentRangeFormatting(safely(ctx, 'range formatting', [] as TextEdit[], (params) => {
    const doc = ctx.documents.get(params.textDocument.uri);
    if (!doc) return [];
    return edits(doc.uri, doc.getText(), params.options, params.range.start.line, params.range.end.line);
  }));
}
