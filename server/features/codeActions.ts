/** Code actions: every fix the checker offers, as a quick fix; all the safe ones at once (source.fixAll); and "extract into block". */
import { CodeActionKind, type CodeAction } from 'vscode-languageserver';
import { ide, comparePositions } from '../../dsl';
import { safely, type ServerContext } from '../context';
import { toLspDiagnostic, toLspEdit } from '../convert';

const overlaps = (a: { start: { line: number; character: number }; end: { line: number; character: number } }, b: typeof a) =>
  comparePositions(a.start, b.end) <= 0 && comparePositions(b.start, a.end) <= 0;

export function registerCodeActions(ctx: ServerContext): void {
  ctx.connection.onCodeAction(safely(ctx, 'code actions', [] as CodeAction[], (params) => {
    const uri = params.textDocument.uri;
    const a = ctx.analyses.get(uri);
    if (!a) return [];
    const actions: CodeAction[] = [];
    const only = params.context.only;
    const wants = (kind: string) => !only || only.some((k) => kind === k || kind.startsWith(k + '.'));
    if (wants(CodeActionKind.QuickFix)) {
      for (const d of a.diagnostics) {
        if (!d.fixes || !overlaps(d.range, params.range)) continue;
        for (const fix of d.fixes) {
          actions.push({
            title: fix.title, kind: CodeActionKind.QuickFix, diagnostics: [toLspDiagnostic(uri, d)],
            isPreferred: fix.preferred, edit: { changes: { [uri]: fix.edits.map(toLspEdit) } },
          });
        }
      }
    }
    // Only when asked for by kind (on save, or the "Fix All" command): it checks the file again for each pass.
    if (only && wants(CodeActionKind.SourceFixAll)) {
      const fixed = ide.fixAll(a.text, (t) => (t === a.text ? a.diagnostics : ctx.analyses.diagnosticsOf(uri, t)));
      const edit = ide.replacementEdit(a.text, fixed.text);
      if (edit) {
        actions.push({
          title: `Fix all: ${fixed.applied} safe fix${fixed.applied === 1 ? '' : 'es'}`, kind: CodeActionKind.SourceFixAll,
          edit: { changes: { [uri]: [toLspEdit(edit)] } },
        });
      }
    }
    if (wants(CodeActionKind.RefactorExtract)) {
      const extract = ide.extractIntoBlock(a, params.range);
      if (extract) actions.push({ title: extract.title, kind: CodeActionKind.RefactorExtract, edit: { changes: { [uri]: extract.edits.map(toLspEdit) } } });
    }
    return actions;
  }));
}
