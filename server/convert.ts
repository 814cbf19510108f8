/** dsl values → LSP values. Positions and ranges are already LSP-shaped (0-based). */
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DiagnosticSeverity, DiagnosticTag, type Diagnostic as LspDiagnostic, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { Diagnostic, Severity, TextEdit } from '../dsl';

const severities: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** docs/language.md next to the installed server (dist/ and docs/ ship together). */
const referenceDocs = pathToFileURL(join(__dirname, '..', 'docs', 'language.md')).href;

export function toLspDiagnostic(uri: string, d: Diagnostic): LspDiagnostic {
  return {
    range: d.range,
    severity: severities[d.severity],
    code: d.code,
    codeDescription: { href: `${referenceDocs}#${d.code}` },
    source: 'dlnet',
    message: d.message,
    relatedInformation: d.related?.map((r) => ({ location: { uri, range: r.range }, message: r.message })),
    tags: d.unnecessary ? [DiagnosticTag.Unnecessary] : undefined,
  };
}

export function toLspEdit(e: TextEdit): LspTextEdit {
  return { range: e.range, newText: e.newText };
}
