/** Editor services over an Analysis, protocol-free: the language server translates them to LSP. */
export { complete, completionDoc, type Completion, type CompletionKind } from './completion';
export { hover, type Hover } from './hover';
export { signatureHelp, type SignatureHelp } from './signature';
export { inlayHints, type InlayHint } from './inlay';
export { outline, type OutlineItem } from './outline';
export { foldingRanges, selectionRanges, type Fold } from './ranges';
export { classify, tokenClasses, type ClassifiedToken, type TokenClass } from './highlight';
export { format, formatEdits, type LineEdit } from './format';
export { rename, prepareRename, symbolAt, occurrences } from './rename';
export { extractIntoBlock } from './extract';
export { paramsText } from './describe';
export { dataPaths, type DataPath } from './data-paths';
export { settingEdit } from './setting-edit';
export { fixAll, replacementEdit, type FixedText } from './fix-all';
