/**
 * The open documents' text, as the editor's edits make it. vscode-languageserver-textdocument
 * updates its table of line starts edit by edit, and misses a `\r` and a `\n` that an edit
 * brings together into one line break (or apart into two): `ab\n` with a `\r` typed
 * before the `\n` still counts two line breaks there, and every later edit lands a line
 * off, so the server's text drifts from the editor's for good. A document with a `\r` in
 * it is therefore indexed whole after each change (a few milliseconds for a 20,000-line
 * file); the others keep the library's quick update.
 */
import type { TextDocumentContentChangeEvent, TextDocumentsConfiguration } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';

export const documentText: TextDocumentsConfiguration<TextDocument> = {
  create: TextDocument.create,
  update(document: TextDocument, changes: TextDocumentContentChangeEvent[], version: number): TextDocument {
    const updated = TextDocument.update(document, changes, version);
    const text = updated.getText();
    return text.includes('\r') ? TextDocument.create(updated.uri, updated.languageId, version, text) : updated;
  },
};
