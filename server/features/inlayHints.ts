import { InlayHintKind, type InlayHint } from 'vscode-languageserver';
import { ide } from '../../dsl';
import { safely, type ServerContext } from '../context';

export function registerInlayHints(ctx: ServerContext): void {
  ctx.connection.languages.inlayHint.on(safely(ctx, 'inlay hints', [] as InlayHint[], (params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    if (!a) return [];
    return ide.inlayHints(a, params.range).map((h) => (h.kind === 'parameter'
      ? { position: h.position, label: h.label, kind: InlayHintKind.Parameter, paddingRight: true }
      : { position: h.position, label: h.label, kind: h.kind === 'shape' ? InlayHintKind.Type : undefined, paddingLeft: true }));
  }));
}
