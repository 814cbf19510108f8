/** Python source text for dlnet values. */
import type { ArgValue, Choice } from '../../../dsl';

/** A dlnet argument value as a Python literal. */
export function py(v: ArgValue | null | undefined): string {
  if (v === undefined) throw new Error('no value to write as Python');
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v); // 3, 0.5 and 1e-7 read the same in Python
  if (typeof v === 'string') return JSON.stringify(v).replace(/^"|"$/g, "'");
  if (Array.isArray(v)) return `[${v.map((x) => py(x as ArgValue)).join(', ')}]`;
  if ('layer' in v) throw new Error('a layer is not a Python value');
  return pyChoice(v);
}

/** A choice with arguments as ('name', {'arg': value}); without as 'name'. */
export function pyChoice(c: Choice): string {
  const entries = Object.entries(c.args);
  if (entries.length === 0) return py(c.name);
  return `(${py(c.name)}, {${entries.map(([k, v]) => `${py(k)}: ${py(v)}`).join(', ')}})`;
}

export const pyInit = (c: Choice | undefined) => pyChoice(c ?? { name: 'glorotUniform', args: {} });

/** Python's reserved words and the nn.Module attributes a layer name must not shadow. */
const RESERVED = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del', 'elif', 'else', 'except',
  'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try',
  'while', 'with', 'yield', 'self', 'forward', 'training', 'train', 'eval', 'to', 'cuda', 'cpu', 'type', 'float', 'double', 'half',
  'apply', 'modules', 'children', 'parameters', 'buffers', 'state_dict', 'load_state_dict', 'zero_grad', 'named_modules', 'tfjs_layers',
  'torch', 'nn', 'F', 'np', 'dl', 'math', 'sys',
  // Builtins a generated file or its importer may use.
  'print', 'len', 'range', 'list', 'dict', 'set', 'tuple', 'int', 'str', 'bool', 'object', 'sum', 'min', 'max', 'abs', 'super', 'isinstance',
]);

/** A Python identifier for a dlnet name, unique within `taken`. */
export function pyName(name: string, taken: Set<string>): string {
  let out = name.replace(/[^A-Za-z0-9_]/g, '_');
  if (/^[0-9]/.test(out)) out = `_${out}`;
  while (RESERVED.has(out) || taken.has(out)) out += '_';
  taken.add(out);
  return out;
}
