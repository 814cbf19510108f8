import { MarkupKind, type Hover } from 'vscode-languageserver';
import { ide } from '../../dsl';
import { safely, type ServerContext } from '../context';

export function registerHover(ctx: ServerContext): void {
  ctx.connection.onHover(safely(ctx, 'hover', null as Hover | null, (params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    const h = a && ide.hover(a, params.position);
    return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: h.range } : null;
  }));
}
