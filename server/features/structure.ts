/** Folding ranges and selection ranges. */
import { FoldingRangeKind, type FoldingRange, type SelectionRange } from 'vscode-languageserver';
import { ide } from '../../dsl';
import { safely, type ServerContext } from '../context';

export function registerStructure(ctx: ServerContext): void {
  ctx.connection.onFoldingRanges(safely(ctx, 'folding', [] as FoldingRange[], (params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    return a ? ide.foldingRanges(a).map((f) => ({ startLine: f.startLine, endLine: f.endLine, kind: f.kind === 'comment' ? FoldingRangeKind.Comment : undefined })) : [];
  }));
  ctx.connection.onSelectionRanges(safely(ctx, 'selection ranges', [] as SelectionRange[], (params) => {
    const a = ctx.analyses.get(params.textDocument.uri);
    if (!a) return [];
    return ide.selectionRanges(a, params.positions).map((ranges) => {
      let parent: SelectionRange | undefined;
      for (const range of [...ranges].reverse()) parent = { range, parent };
      return parent!;
    });
  }));
}
