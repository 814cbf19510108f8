/** "Did you mean" for misspelt names: the closest candidate within a small edit distance. */
import { fold } from './catalog/aliases';

/** Optimal string alignment distance: edits plus swaps of neighbours ('rleu' → 'relu' is 1). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d = new Array<number>(rows * cols);
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[(i - 1) * cols + j] + 1, d[i * cols + j - 1] + 1, d[(i - 1) * cols + j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[(i - 2) * cols + j - 2] + 1);
      d[i * cols + j] = v;
    }
  }
  return d[rows * cols - 1];
}

/** The name as Keras or PyTorch users might write it: 'categorical_crossentropy', 'he-normal', 'BatchNorm'. */
const folded = fold;

/** The first letters of a camel-case name's words: 'meanSquaredError' → 'mse'. */
const initials = (name: string) => (name.match(/^[a-z]|[A-Z]/g) ?? []).join('').toLowerCase();

/** Each candidate's spellings, worked out once: the same layer and block names are candidates for every misspelling in a file. */
const spellings = new Map<string, { lower: string; folded: string; initials: string }>();
const SPELLINGS_LIMIT = 10_000;

function spellingsOf(c: string) {
  let known = spellings.get(c);
  if (!known) {
    if (spellings.size >= SPELLINGS_LIMIT) spellings.clear();
    spellings.set(c, (known = { lower: c.toLowerCase(), folded: folded(c), initials: initials(c) }));
  }
  return known;
}

/**
 * The closest candidate within a small edit distance. The same name in another case or
 * in snake_case counts as exact, and so do a multi-word name's initials ('mse'), the
 * spellings other frameworks taught their users.
 */
export function closest(name: string, candidates: Iterable<string>): string | undefined {
  const lower = name.toLowerCase();
  const fold = folded(name);
  let best: string | undefined;
  let bestScore = Infinity;
  const limit = Math.max(1, Math.min(3, Math.floor(name.length / 3)));
  for (const c of candidates) {
    if (c === name) continue;
    const spelt = spellingsOf(c);
    // Initials of at least two words: a one-letter name is no abbreviation.
    let score: number;
    if (spelt.folded === fold || (lower.length >= 2 && spelt.initials === lower)) score = 0;
    // Lengths further apart than the limit are further apart in edits too.
    else if (Math.abs(c.length - name.length) > Math.min(limit, bestScore - 1)) continue;
    else score = editDistance(lower, spelt.lower);
    if (score <= limit && score < bestScore) {
      best = c;
      bestScore = score;
    }
  }
  return best;
}
