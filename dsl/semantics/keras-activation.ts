/**
 * Keras's `Activation('relu')`: dlnet writes an activation as a layer of its own, `relu`.
 * Said as the unknown layer it is, with the fix that writes the layer.
 */
import { choiceAlias, findLayer, layerNames } from '../catalog';
import { fold } from '../catalog/aliases';
import type { Fix } from '../diagnostics';
import type * as ast from '../syntax/ast';

const activationLayers = layerNames.filter((name) => findLayer(name)!.family === 'activation');

/** The dlnet layer an `Activation(...)` call applies, and the fix that writes it; undefined for any other call. */
export function layerFromKerasActivation(call: ast.Call): { layer: string; fix: Fix } | undefined {
  if (fold(call.callee.text) !== 'activation' || call.args?.length !== 1) return undefined;
  const [arg] = call.args;
  if (arg.name && fold(arg.name.text) !== 'activation') return undefined;
  const v = arg.value;
  const written = v?.kind === 'string' ? v.value : v?.kind === 'call' && !v.args ? v.callee.text : undefined;
  if (!written) return undefined;
  const wanted = fold(choiceAlias('activation', written) ?? written);
  const layer = activationLayers.find((name) => fold(name) === wanted);
  return layer && { layer, fix: { title: `Write ${layer}`, edits: [{ range: call.range, newText: layer }], preferred: true } };
}
