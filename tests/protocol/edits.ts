import type { TextEdit } from 'vscode-languageserver-protocol';
import { TextDocument } from 'vscode-languageserver-textdocument';

/** Applies LSP text edits to a text as an editor does (lines end at \n, \r\n or a lone \r; edits must not overlap). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  return TextDocument.applyEdits(TextDocument.create('file:///edited.dlnet', 'dlnet', 1, text), edits);
}
