/**
 * Diagnostics are values: a range, a severity, a stable code, a message that says
 * what was expected and what was found, related locations, and fixes as text edits.
 */
import { comparePositions, rangeKey, type Range } from './syntax/range';

/**
 * Control characters as their Unicode pictures (U+2400 on), one column each, so a message
 * or a source line that quotes them stays readable and cannot drive a terminal.
 */
export function visible(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, (c) => String.fromCharCode(c === '\x7f' ? 0x2421 : 0x2400 + c.charCodeAt(0)));
}

export type Severity = 'error' | 'warning' | 'information' | 'hint';

/** Stable codes; documented one by one in docs/language.md. Never rename one. */
export const diagnosticCodes = {
  'syntax-error': 'The text does not follow the grammar.',
  'unknown-layer': 'A step names no layer, block or tensor.',
  'unknown-parameter': 'A call passes a parameter the layer does not have.',
  'invalid-argument': 'An argument has the wrong type or value, is missing, or is given twice.',
  'unknown-name': 'A name that is bound nowhere: a tensor, model, dataset or value.',
  'used-before-bound': 'A tensor name is used above the statement that binds it.',
  'duplicate-name': 'Two declarations or bindings share a name.',
  'rank-mismatch': 'A layer receives a tensor with the wrong number of axes.',
  'shape-mismatch': 'Sizes that must agree do not.',
  'invalid-shape': 'A shape that cannot exist (zero or negative sizes, a reshape that changes the element count).',
  'loss-mismatch': 'The loss does not fit the output layer or the labels.',
  'data-mismatch': "The dataset's features or labels do not fit the model's input or output.",
  'init-activation': 'The initialiser does not suit the activation it feeds.',
  'vanishing-gradient': 'A deep stack of saturating activations without normalisation or residual connections.',
  'dropout-placement': 'Dropout where it cannot help: after the output layer.',
  'embedding-input': 'An embedding fed numbers a layer computed, where it needs indices.',
  'unscaled-features': "A table's columns span very different scales, and the model does not normalise its input first.",
  'texts-one-hot': "A table's column of long texts read one-hot, each whole text a feature of its own, where its words would be token ids.",
  'invalid-setting': 'A train setting that is unknown, missing or out of range.',
  unused: 'A model, dataset, block or tensor that nothing uses.',
} as const;

export type DiagnosticCode = keyof typeof diagnosticCodes;

export interface TextEdit {
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix an editor may apply without asking (LSP isPreferred). */
  preferred?: boolean;
}

export interface RelatedInformation {
  range: Range;
  message: string;
}

export interface Diagnostic {
  range: Range;
  severity: Severity;
  code: DiagnosticCode;
  message: string;
  related?: RelatedInformation[];
  fixes?: Fix[];
  /** Rendered faded by editors (LSP DiagnosticTag.Unnecessary). */
  unnecessary?: boolean;
}

export function diagnostic(
  code: DiagnosticCode,
  severity: Severity,
  range: Range,
  message: string,
  extra: Pick<Diagnostic, 'related' | 'fixes' | 'unnecessary'> = {},
): Diagnostic {
  return { range, severity, code, message, ...extra };
}

/** What makes two diagnostics the same report: a block walked at every use reports its errors again each time. */
export function diagnosticKey(d: Diagnostic): string {
  return `${d.code}@${rangeKey(d.range)}:${d.message}`;
}

/** Orders diagnostics as the file reads: by where they start. */
export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return comparePositions(a.range.start, b.range.start);
}

/** The diagnostics, each report once, in their order. */
export function distinct(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = diagnosticKey(d);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The "did you mean" fix: replace the misspelt name with the suggestion. */
export function replaceWith(range: Range, guess: string | undefined, preferred = true): Fix[] | undefined {
  return guess ? [{ title: `Change to '${guess}'`, edits: [{ range, newText: guess }], ...(preferred ? { preferred: true } : {}) }] : undefined;
}
