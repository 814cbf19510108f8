/**
 * What a block's parameters are at one use, for hover: the value given or defaulted, and
 * what it comes to where that is a number (`out = filters * 4 = 64` at `Bottleneck(16)`).
 * A value naming what the use's own context binds (a parameter of a block around it) is
 * shown as written: it differs from use to use of that block.
 */
import type * as ast from '../syntax/ast';
import { valueText } from '../syntax/value-text';
import { ANY_NUMBER, evaluate, paramsBefore, type ValueScope } from '../semantics/values';

export function blockUseValues(block: ast.BlockDecl, call: ast.Call): string[] {
  const given = new Map<string, ast.Value>();
  let position = 0;
  for (const arg of call.args ?? []) {
    const p = arg.name ? block.params.find((q) => q.name.text === arg.name!.text) : block.params[position++];
    if (p && arg.value && !given.has(p.name.text)) given.set(p.name.text, arg.value);
  }
  // A given value is worked out where the use stands: any name there may be the context's, so it is not known here.
  const atUse: ValueScope = { param: () => 'unknown', report: () => {} };
  const bound = new Map<string, { value: ast.Value; scope: ValueScope }>();
  const lines: string[] = [];
  for (const [i, p] of block.params.entries()) {
    const value = given.get(p.name.text) ?? p.default;
    if (!value) continue;
    // A default is worked out from the parameters before it, at this use.
    const scope: ValueScope = given.has(p.name.text) ? atUse : { param: paramsBefore(block, i, bound), report: () => {} };
    bound.set(p.name.text, { value, scope });
    const text = valueText(value);
    const v = value.kind === 'number' ? undefined : evaluate(value, ANY_NUMBER, scope, p.name.text);
    const worked = typeof v === 'number' ? ` = ${Number(v.toFixed(4))}` : '';
    lines.push(`${p.name.text} = ${text}${worked}${given.has(p.name.text) ? '' : ' (default)'}`);
  }
  return lines;
}
