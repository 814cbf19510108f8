/** The dlnet language: text in, analysis out. Imports nothing outside dsl/. */
export { analyze, type Analysis, type AnalyzeOptions } from './analyze';
export * from './diagnostics';
export * from './catalog';
export type * as ast from './syntax/ast';
export { parse, clearParseCache, prepareErrorRecovery, type ParseResult } from './syntax/parse';
export * from './syntax/range';
export * from './semantics/shape';
export { evaluateSize } from './semantics/size';
export type { ModelGraph, LayerNode, InputNode, GraphNode } from './semantics/graph';
export { nodeShape, outputShapes, unbuildable } from './semantics/graph';
export type { StepInfo, DatasetInfo } from './semantics/context';
export type { SymbolInfo, SymbolKind, Occurrence, SymbolTable } from './semantics/symbols';
export type { TrainPlan } from './semantics/train';
export * as ide from './ide';
export { modelSummary, renderModelSummary, type ModelSummary } from './summary';
