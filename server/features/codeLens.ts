/** Code lenses: "Train" on train statements, "Summary (N params)" on models. The client implements the commands. */
import type { CodeLens } from 'vscode-languageserver';
import { ide } from '../../dsl';
import { safely, type ServerContext } from '../context';

export const commands = { train: 'dlnet.train', summary: 'dlnet.showSummary' } as const;

export function registerCodeLens(ctx: ServerContext): void {
  ctx.connection.onCodeLens(safely(ctx, 'code lens', [] as CodeLens[], (params) => {
    const uri = params.textDocument.uri;
    const a = ctx.analyses.get(uri);
    if (!a) return [];
    const lenses: CodeLens[] = [];
    for (const g of a.models) {
      const title = g.ok ? `Summary (${ide.paramsText(g.totalParams)})` : 'Summary';
      lenses.push({ range: g.nameRange, command: { title, command: commands.summary, arguments: [uri, g.name] } });
    }
    for (const t of a.trains) {
      lenses.push({ range: t.decl.keyword, command: { title: t.ok ? '▶ Train' : '▶ Train (fix the errors first)', command: commands.train, arguments: [uri, t.decl.model.text, t.decl.keyword.start.line] } });
    }
    return lenses;
  }));
}
