/**
 * Steps written as Keras or PyTorch code writes them, each an unknown layer whose fix
 * writes the dlnet step: Keras's `Activation('relu')` (dlnet writes an activation as a
 * layer of its own, `relu`), and PyTorch's layers that take their input's size first
 * (`Linear(784, 128)`: dlnet works the size out, `dense(128)`).
 */
import { choiceAlias, findLayer, layerNames } from '../catalog';
import { fold, inputSizeFirst } from '../catalog/aliases';
import { replaceWith, type Fix } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { withoutItem } from '../syntax/range';

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

/**
 * The fix of an unknown layer that "did you mean" names: the name, and for a PyTorch
 * layer given its input's size first (`Linear(784, 128)`, `Conv2d(1, 32, 3)`,
 * `LSTM(10, 64)`, `BatchNorm2d(32)`), without that size.
 */
export function layerRename(call: ast.Call, guess: string | undefined): Fix[] | undefined {
  const rename = replaceWith(call.callee.range, guess);
  const positional = call.args?.filter((a) => !a.name) ?? [];
  const sizeFirst = inputSizeFirst(call.callee.text);
  if (!rename || !findLayer(guess!) || sizeFirst === undefined || positional.length < sizeFirst) return rename;
  return [{ ...rename[0], title: `Change to '${guess}', leaving out the input's size (dlnet works it out)`, edits: [...rename[0].edits, { range: withoutItem(call.args!, positional[0]), newText: '' }] }];
}
