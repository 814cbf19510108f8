/** The TextMate grammar, tokenised with vscode-textmate + vscode-oniguruma as VS Code does. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import * as oniguruma from 'vscode-oniguruma';
import * as textmate from 'vscode-textmate';

const root = join(__dirname, '..');
let grammar: textmate.IGrammar;

beforeAll(async () => {
  const wasm = readFileSync(join(root, 'node_modules', 'vscode-oniguruma', 'release', 'onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength) as ArrayBuffer);
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({ createOnigScanner: (p) => new oniguruma.OnigScanner(p), createOnigString: (s) => new oniguruma.OnigString(s) }),
    loadGrammar: async () => textmate.parseRawGrammar(readFileSync(join(root, 'client', 'syntaxes', 'dlnet.tmLanguage.json'), 'utf8'), 'dlnet.tmLanguage.json'),
  });
  grammar = (await registry.loadGrammar('source.dlnet'))!;
});

/** Every token of the text as "text → innermost scope". */
function tokens(text: string): string[] {
  let stack = textmate.INITIAL;
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, stack);
    for (const t of r.tokens) {
      const s = line.slice(t.startIndex, t.endIndex);
      if (s.trim()) out.push(`${s.trim()} → ${t.scopes[t.scopes.length - 1]}`);
    }
    stack = r.ruleStack;
  }
  return out;
}

describe('TextMate grammar', () => {
  it('scopes the ring sample', () => {
    const t = tokens(readFileSync(join(root, 'samples', '01-representation.dlnet'), 'utf8'));
    expect(t).toEqual(expect.arrayContaining([
      'dataset → storage.type.dataset.dlnet',
      'rings → entity.name.type.dlnet',
      'model → storage.type.model.dlnet',
      'RingNet → entity.name.type.dlnet',
      'input → keyword.other.input.dlnet',
      'dense → entity.name.function.dlnet',
      'activation → variable.parameter.dlnet',
      '8 → constant.numeric.dlnet',
      '0.08 → constant.numeric.dlnet',
      'features → variable.other.tensor.dlnet',
      'train → keyword.control.train.dlnet',
      'on → keyword.control.on.dlnet',
    ]));
    expect(t.find((x) => x.startsWith('Points on two rings'))).toMatch(/comment\.line\.number-sign\.dlnet$/);
  });

  it('scopes residual, repeat, arrows, strings, booleans, dtypes and GAN statements', () => {
    const t = tokens('model M {\n  input s: [T, ?] int32\n  x = residual { dense(4) } shortcut { relu }\n  repeat 2 { x -> dropout(0.1) }\n}\ndataset d = csv("data/iris.csv", label: "species")\ntrain G vs D on d { shuffle: false }');
    expect(t).toEqual(expect.arrayContaining([
      'residual → keyword.control.residual.dlnet',
      'shortcut → keyword.control.shortcut.dlnet',
      'repeat → keyword.control.repeat.dlnet',
      '-> → keyword.operator.arrow.dlnet',
      '? → constant.language.unknown-dimension.dlnet',
      'int32 → support.type.dtype.dlnet',
      'false → constant.language.boolean.dlnet',
      'vs → keyword.control.vs.dlnet',
      'G → entity.name.type.dlnet',
    ]));
    expect(t.some((x) => x.includes('data/iris.csv') && x.endsWith('string.quoted.double.dlnet'))).toBe(true);
  });

  it('scopes arithmetic operators apart from the arrow and a number\'s sign', () => {
    const t = tokens('block B(f, out = f * 4) {\n  conv2d(f // 2 + 1, kernel: 1) -> dense(out / 2 - 1)\n  concat(a, b, axis: -1)\n}');
    expect(t).toEqual(expect.arrayContaining([
      '* → keyword.operator.arithmetic.dlnet',
      '// → keyword.operator.arithmetic.dlnet',
      '+ → keyword.operator.arithmetic.dlnet',
      '/ → keyword.operator.arithmetic.dlnet',
      '- → keyword.operator.arithmetic.dlnet',
      '-> → keyword.operator.arrow.dlnet',
      '-1 → constant.numeric.dlnet',
    ]));
  });
});
