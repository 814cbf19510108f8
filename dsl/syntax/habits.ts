/**
 * What the lexer reads of other languages' habits at the start of a line or a name: a
 * misspelt keyword where a name could be nothing else, a Python module path (`nn.Dropout`)
 * and Keras's model methods (`model.fit(...)`). The lexer says each (lexer.ts) and reads
 * the text as what it means; these find them.
 */
import { closest } from '../suggest';
import { isDigit, isIdentPart, isIdentStart, startsDeclaration } from './chars';

const TRAINS = 'dlnet trains a model with a train statement: train M on data { loss: ...; optimizer: adam; epochs: 10 }';

/** What dlnet does for what Keras's model methods do. */
const KERAS_MODEL_METHODS: Readonly<Record<string, string>> = {
  add: "dlnet writes a model's layers in its body, in order: model M { input x: [4]; dense(8) }",
  compile: TRAINS,
  fit: TRAINS,
  evaluate: "a train statement's run reports the validation figures (validationSplit, or validation: data)",
  predict: 'a training run saves the model it trained (`dlnet train <file> --out DIR`), which TensorFlow.js loads to predict',
  summary: "dlnet shows a model's layers with `dlnet summary <file>`, and each statement's shape as you type",
  save: 'a training run saves the model it trained (`dlnet train <file> --out DIR`, or the training panel)',
};

/**
 * A Keras model method called first on its line (`model.fit(x, y, epochs=5)`), and where
 * the call ends: at its closing parenthesis, over lines if it spans them, but never past a
 * line that starts a declaration (else its line's end).
 */
export function kerasModelMethod(text: string, from: number, to: number): { name: string; advice: string; end: number } | undefined {
  let nameEnd = from;
  while (nameEnd < to && isIdentPart(text.charCodeAt(nameEnd))) nameEnd++;
  const name = text.slice(from, nameEnd);
  if (!Object.prototype.hasOwnProperty.call(KERAS_MODEL_METHODS, name) || text.charCodeAt(nameEnd) !== 0x28) return undefined;
  let depth = 0;
  let end = nameEnd;
  for (; end < to; end++) {
    const c = text.charCodeAt(end);
    // A line that starts a declaration is where the parse cache cuts the text: a call still open there is never closed.
    if ((c === 0x0a || c === 0x0d) && startsDeclaration(text, c === 0x0d && text.charCodeAt(end + 1) === 0x0a ? end + 2 : end + 1)) break;
    if (c === 0x28) depth++;
    else if (c === 0x29 && --depth === 0) return { name, advice: KERAS_MODEL_METHODS[name], end: end + 1 };
    else if (c === 0x23 || c === 0x22 || c === 0x27) {
      // A comment or a string: its parentheses count for nothing (a string ends at its quote or its line's end).
      const stop = c === 0x23 ? -1 : c;
      while (end + 1 < to && text.charCodeAt(end + 1) !== stop && text.charCodeAt(end + 1) !== 0x0a && text.charCodeAt(end + 1) !== 0x0d) end++;
      if (c !== 0x23 && text.charCodeAt(end + 1) === c) end++; // past the closing quote (an unclosed string leaves its line break to be seen)
    }
  }
  // Never closed: the line is the statement.
  end = nameEnd;
  while (end < to && text.charCodeAt(end) !== 0x0a && text.charCodeAt(end) !== 0x0d) end++;
  return { name, advice: KERAS_MODEL_METHODS[name], end };
}

/** Where the last name of a dotted path starts (`from`: where the name after the first dot starts). */
export function lastOfPath(text: string, from: number, to: number): number {
  let last = from;
  for (;;) {
    let end = last;
    while (end < to && isIdentPart(text.charCodeAt(end))) end++;
    if (text.charCodeAt(end) !== 0x2e || !isIdentStart(text.charCodeAt(end + 1))) return last;
    last = end + 1;
  }
}

/** The first character after `from` on its line that is no space or tab; past the line's end only a `{` (a body may open on the next line); -1 for none. */
export function nextAfter(text: string, from: number, to: number): number {
  let lineEnded = false;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x0a || c === 0x0d) lineEnded = true;
    else if (c !== 0x20 && c !== 0x09) return !lineEnded || c === 0x7b ? c : -1;
  }
  return -1;
}

/**
 * The keyword a misspelt one at the start of a line stands for (`modle M {`, `reapeat 2
 * {`), judged by what follows it, where a name there could be nothing else: no statement
 * or declaration starts with a name followed by a name, a number, `{` or `[`. A
 * declaration keyword only in the first column, where declarations start.
 */
export function keywordMeant(image: string, firstColumn: boolean, next: number): string | undefined {
  let candidates: readonly string[];
  if (isIdentStart(next)) candidates = firstColumn ? NAMED_KEYWORDS_AT_START : NAMED_KEYWORDS;
  else if (isDigit(next)) candidates = ['repeat'];
  else if (next === 0x7b) candidates = ['residual', 'shortcut'];
  else if (next === 0x5b) candidates = ['input'];
  else return undefined;
  return closest(image, candidates);
}
/** Keywords a name follows: `input x`, `output a`, `repeat n`, and the declarations'. */
const NAMED_KEYWORDS = ['input', 'output', 'repeat'];
const NAMED_KEYWORDS_AT_START = ['dataset', 'model', 'block', 'train', ...NAMED_KEYWORDS];
