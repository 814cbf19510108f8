/** The layer catalogue: every layer by name, and the value tables beside it. */
import { attentionLayers } from './layers/attention';
import { capsuleLayers } from './layers/capsules';
import { convolutionLayers, poolingLayers } from './layers/convolution';
import { activationLayers, coreLayers } from './layers/core';
import { mergeLayers } from './layers/merge';
import { recurrentLayers, setLayerLookup } from './layers/recurrent';
import { regionLayers } from './layers/regions';
import { regularisationLayers } from './layers/regularisation';
import type { LayerDef } from './types';

export const layers = {
  ...coreLayers,
  ...activationLayers,
  ...regularisationLayers,
  ...convolutionLayers,
  ...poolingLayers,
  ...recurrentLayers,
  ...attentionLayers,
  ...mergeLayers,
  ...regionLayers,
  ...capsuleLayers,
};

/** Every layer kind; the runtime's compile table is a Record<LayerName, ...>, so none can be missed. */
export type LayerName = keyof typeof layers;

export const layerNames = Object.keys(layers) as LayerName[];

/** By name, in a Map: the checker looks a layer up at every call, and a keyed read of a 40-key object is a slow path. */
const layerIndex = new Map<string, LayerDef>(Object.entries(layers));

export function findLayer(name: string): LayerDef | undefined {
  return layerIndex.get(name);
}

setLayerLookup(findLayer);

export * from './types';
export * from './choices';
export * from './datasets';
export { eachCsvRecord, isCsvProblem, parseCsv, readCsvTable, summarizeCsvTable, textColumnsOf, textsOf, type CsvEncoding, type CsvProblem, type CsvReading, type CsvRecord, type CsvSummary, type CsvTable, type TokenEncoding } from './csv';
export { tokenIds } from './text';
export * from './settings';
export { choiceName, marginsOf, pair, pairOf, type Margins } from './params';
export { aliasesOf, choiceAlias, inputShapeParameter, layerAlias, logitsLoss, pairedParameter, parameterAlias, unneededParameter, type InputShapeParameter } from './aliases';
export { reshapeTarget } from './layers/core';
export { headSize, positionCount } from './layers/attention';
