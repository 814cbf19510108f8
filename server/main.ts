/**
 * The dlnet language server: `node dist/server.js --stdio` (or `dlnet lsp`). A thin
 * translation of dsl services into LSP; every feature is a module of features/.
 */
import { fileURLToPath } from 'node:url';
import { CodeActionKind, createConnection, ProposedFeatures, TextDocuments, TextDocumentSyncKind, type InitializeResult } from 'vscode-languageserver/node';
import { prepareErrorRecovery } from '../dsl';
import { Analyses, type ServerContext } from './context';
import { documentText } from './documents';
import { registerCodeActions } from './features/codeActions';
import { registerCodeLens } from './features/codeLens';
import { registerCompletion } from './features/completion';
import { registerDataFiles } from './features/dataFiles';
import { registerDiagnostics } from './features/diagnostics';
import { registerFormatting } from './features/formatting';
import { registerHover } from './features/hover';
import { registerInlayHints } from './features/inlayHints';
import { registerLinks } from './features/links';
import { registerNavigation } from './features/navigation';
import { legend, registerSemanticTokens } from './features/semanticTokens';
import { registerSignatureHelp } from './features/signatureHelp';
import { registerStructure } from './features/structure';
import { registerSummary } from './features/summary';
import { registerSymbols } from './features/symbols';

export function startServer(): void {
  const connection = createConnection(ProposedFeatures.all);
  const documents = new TextDocuments(documentText);
  const ctx: ServerContext = { connection, documents, analyses: new Analyses(documents), folders: [], capabilities: {} };

  connection.onInitialize((params): InitializeResult => {
    ctx.capabilities = params.capabilities;
    ctx.folders = (params.workspaceFolders ?? []).map((f) => f.uri).filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    if (ctx.folders.length === 0 && params.rootUri?.startsWith('file:')) ctx.folders = [fileURLToPath(params.rootUri)];
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        completionProvider: { triggerCharacters: ['(', ',', ':', ' ', '>', '[', '=', '"', "'", '/'], resolveProvider: true },
        hoverProvider: true,
        signatureHelpProvider: { triggerCharacters: ['(', ','], retriggerCharacters: [':'] },
        definitionProvider: true,
        referencesProvider: true,
        documentHighlightProvider: true,
        renameProvider: { prepareProvider: true },
        documentSymbolProvider: true,
        workspaceSymbolProvider: true,
        foldingRangeProvider: true,
        selectionRangeProvider: true,
        semanticTokensProvider: { legend, full: { delta: true }, range: true },
        documentFormattingProvider: true,
        documentRangeFormattingProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, CodeActionKind.SourceFixAll, CodeActionKind.RefactorExtract] },
        codeLensProvider: { resolveProvider: false },
        inlayHintProvider: true,
        documentLinkProvider: { resolveProvider: false },
      },
      serverInfo: { name: 'dlnet', version: '0.1.0' },
    };
  });

  // The parser for code with mistakes is built a second after start, when the first file has been analysed, not at the first mistake typed.
  connection.onInitialized(() => setTimeout(prepareErrorRecovery, 1000).unref());

  registerDataFiles(ctx, registerDiagnostics(ctx));
  registerCompletion(ctx);
  registerHover(ctx);
  registerSignatureHelp(ctx);
  registerInlayHints(ctx);
  registerLinks(ctx);
  registerNavigation(ctx);
  registerSymbols(ctx);
  registerStructure(ctx);
  registerSemanticTokens(ctx);
  registerFormatting(ctx);
  registerCodeActions(ctx);
  registerCodeLens(ctx);
  registerSummary(ctx);

  documents.listen(connection);
  connection.listen();
}

if (require.main === module) startServer();
