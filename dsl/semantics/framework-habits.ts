/**
 * Steps written as Keras or PyTorch code writes them, each an unknown layer whose fix
 * writes the dlnet step: Keras's `Activation('relu')` (dlnet writes an activation as a
 * layer of its own, `relu`), PyTorch's `AdaptiveAvgPool2d(1)` (`globalAvgPool2d`), and PyTorch's layers that take their input's size first
 * (`Linear(784, 128)`: dlnet works the size out, `dense(128)`).
 */
import { choiceAlias, findLayer, layerNames } from '../catalog';
import { entryOf, fold, inputSizeFirst, positionalOrder } from '../catalog/aliases';
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

/** PyTorch's adaptive poolings, by the global pooling that their output size 1 is. */
const adaptivePoolings: Readonly<Record<string, string>> = {
  adaptiveavgpool1d: 'globalAvgPool1d', adaptiveavgpool2d: 'globalAvgPool2d', adaptivemaxpool1d: 'globalMaxPool1d', adaptivemaxpool2d: 'globalMaxPool2d',
};

/**
 * `AdaptiveAvgPool2d(1)` (or `(1, 1)`), as PyTorch pools each channel to one value before
 * its classifier: dlnet's global pooling, and the fix that writes it. Undefined for any
 * other call, and for another output size (which no dlnet layer gives).
 */
export function globalPoolingFromAdaptive(call: ast.Call): { layer: string; fix: Fix } | undefined {
  const layer = entryOf(adaptivePoolings, fold(call.callee.text));
  const [arg, more] = call.args ?? [];
  if (!layer || !arg?.value || more) return undefined;
  const ones = (v: ast.Value): boolean => (v.kind === 'number' && v.value === 1) || (v.kind === 'list' && v.items.length > 0 && v.items.every(ones));
  if (!ones(arg.value)) return undefined;
  return { layer, fix: { title: `Write ${layer}`, edits: [{ range: call.range, newText: layer }], preferred: true } };
}

/**
 * The fix of an unknown layer that "did you mean" names: the name, and for a PyTorch
 * layer given its input's size first (`Linear(784, 128)`, `Conv2d(1, 32, 3)`,
 * `LSTM(10, 64)`, `BatchNorm2d(32)`), without that size; the arguments given by position
 * past those dlnet takes so are named as the other framework's order has them
 * (`Conv2d(1, 32, 3, 2)`: `conv2d(32, 3, strides: 2)`).
 */
export function layerRename(call: ast.Call, guess: string | undefined): Fix[] | undefined {
  const rename = replaceWith(call.callee.range, guess);
  const def = guess ? findLayer(guess) : undefined;
  if (!rename || !def) return rename;
  const positional = call.args?.filter((a) => !a.name) ?? [];
  const sizeFirst = inputSizeFirst(call.callee.text);
  const withoutSize = sizeFirst !== undefined && positional.length >= sizeFirst;
  const kept = withoutSize ? positional.slice(1) : positional;
  const order = positionalOrder(call.callee.text) ?? [];
  const byPosition = def.params.filter((p) => p.positional).length;
  const named = kept.flatMap((arg, i) => {
    const name = i >= byPosition ? order[i] : undefined;
    return name && def.params.some((p) => p.name === name) && !call.args!.some((a) => a.name?.text === name) ? [{ range: { start: arg.range.start, end: arg.range.start }, newText: `${name}: ` }] : [];
  });
  if (!withoutSize && named.length === 0) return rename;
  const edits = [...rename[0].edits, ...(withoutSize ? [{ range: withoutItem(call.args!, positional[0]), newText: '' }] : []), ...named];
  const title = withoutSize ? `Change to '${guess}', leaving out the input's size (dlnet works it out)` : `Change to '${guess}', naming the arguments it takes by name`;
  return [{ ...rename[0], title, edits }];
}
