import { MarkupKind, type SignatureHelp } from 'vscode-languageserver';
import { ide } from '../../dsl';
import { safely, type ServerContext } from '../context';

export function registerSignatureHelp(ctx: ServerContext): void {
  ctx.connection.onSignatureHelp(safely(ctx, 'signature help', null as SignatureHelp | null, (params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    const s = a && ide.signatureHelp(a, params.position);
    if (!s) return null;
    return {
      signatures: [{
        label: s.label,
        parameters: s.parameters.map((p) => ({ label: p.label, documentation: { kind: MarkupKind.Markdown, value: p.doc } })),
        activeParameter: s.active >= 0 ? s.active : undefined,
      }],
      activeSignature: 0,
      activeParameter: s.active >= 0 ? s.active : undefined,
    };
  }));
}
