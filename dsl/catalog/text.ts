/**
 * Texts as token ids, the way Keras's TextVectorization reads them by default, so a model
 * trained here reads text as one trained there did: lower case, ASCII punctuation taken
 * out, words split at white space; id 0 pads, id 1 is a word outside the vocabulary, and
 * the vocabulary's words follow, most frequent first. A text is cut and padded to a length
 * as Keras's pad_sequences does (below). The checker (the vocabulary's size),
 * the runtime (the ids trained on) and `dlnet predict` read texts through this file.
 */

/** Keras's `lower_and_strip_punctuation`: ASCII punctuation is taken out (an apostrophe too: "don't" is "dont"). */
const PUNCTUATION = new Uint8Array(128);
for (const c of '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\'') PUNCTUATION[c.charCodeAt(0)] = 1;

/** White space as `\s` has it (what Keras splits at). */
function isSpace(c: number): boolean {
  if (c < 128) return c === 32 || (c >= 9 && c <= 13);
  return c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * The words of a text, in order: lower case, punctuation out, split at white space. One
 * pass over the characters, each word a slice (pieces of it joined where punctuation
 * stood inside it): a table of 25,000 reviews is read twice over while a file is open.
 */
export function words(text: string): string[] {
  const lower = text.toLowerCase();
  const out: string[] = [];
  let word = '';
  let from = 0;
  for (let i = 0; i <= lower.length; i++) {
    const c = i < lower.length ? lower.charCodeAt(i) : 32;
    if (c < 128 && PUNCTUATION[c] === 1) {
      word += lower.slice(from, i);
      from = i + 1;
    } else if (isSpace(c)) {
      word += lower.slice(from, i);
      if (word !== '') out.push(word);
      word = '';
      from = i + 1;
    }
  }
  return out;
}

/** What ids 0 and 1 stand for: no word (a text shorter than the length is padded with it), and a word the vocabulary lacks. */
const PADDING = '';
const UNKNOWN = '[UNK]';
const RESERVED = [PADDING, UNKNOWN] as const;

/** How many words a table's texts have: half have at most `median`, 95 in 100 at most `p95`; the most, `longest`. */
export interface TextLengths {
  median: number;
  p95: number;
  longest: number;
}

/** Counts words, and how many each text has, as texts are read one by one. */
export class WordCounts {
  readonly counts = new Map<string, number>();
  private readonly perText: number[] = [];

  add(text: string): void {
    const found = words(text);
    this.perText.push(found.length);
    for (const w of found) this.counts.set(w, (this.counts.get(w) ?? 0) + 1);
  }

  /** The texts' lengths in words (what `length` may be chosen by). */
  lengths(): TextLengths {
    const sorted = Uint32Array.from(this.perText).sort();
    const at = (q: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] : 0);
    return { median: at(0.5), p95: at(0.95), longest: sorted.length ? sorted[sorted.length - 1] : 0 };
  }

  /**
   * The vocabulary: the reserved ids, then the words, most frequent first (ties in
   * alphabetical order, so the same table gives the same ids whatever its row order),
   * `size` in all where given (else every word).
   */
  vocabulary(size?: number): string[] {
    const ranked = [...this.counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([w]) => w);
    const kept = size === undefined ? ranked : ranked.slice(0, Math.max(0, size - RESERVED.length));
    return [...RESERVED, ...kept];
  }
}

/**
 * Writes the token ids of a text's last `length` words at `out[at...]`, 0s before its first:
 * Keras's pad_sequences does so by default, so that a recurrent layer's last state comes
 * right after the text's last word, not after a run of padding it must learn to carry its
 * state through.
 */
function writeTokenIds(text: string, ids: ReadonlyMap<string, number>, length: number, out: Float32Array, at: number): void {
  const found = words(text);
  const n = Math.min(found.length, length);
  const skipped = found.length - n;
  const start = at + length - n;
  for (let i = 0; i < n; i++) out[start + i] = ids.get(found[skipped + i]) ?? 1;
}

/** Texts as token ids, `length` a text, row by row, as a table's texts were read with this vocabulary and length. */
export function tokenIds(texts: readonly string[], encoding: { vocabulary: readonly string[]; length: number }): Float32Array {
  const ids = idsOf(encoding.vocabulary);
  const out = new Float32Array(texts.length * encoding.length);
  texts.forEach((text, row) => writeTokenIds(text, ids, encoding.length, out, row * encoding.length));
  return out;
}

/** A vocabulary's ids by word. */
function idsOf(vocabulary: readonly string[]): Map<string, number> {
  const ids = new Map<string, number>();
  for (let i = RESERVED.length; i < vocabulary.length; i++) ids.set(vocabulary[i], i);
  return ids;
}
