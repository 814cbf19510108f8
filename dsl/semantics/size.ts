/**
 * Symbolic sizes. A size bound at an input (`T`) goes through layers that add to it, take
 * from it or multiply it: a valid convolution over `T` makes `T-2`, an upsampling of
 * `T-2` by 4 makes `T*4-8`, a concat of `T` and `S` along that axis makes `S+T`. Such a
 * size is a polynomial with integer coefficients in the input's names, written as a
 * string in one canonical form (so equal sizes are equal strings): terms of higher degree
 * first, then by name; a term is its names joined by `*`, then its coefficient (`T*8`),
 * and the constant comes last. A window moving more than one step divides with a floor,
 * and `floor(T/2)` is then one more name (`floorDivide`).
 */

/** A polynomial: each term's names joined by '*' ('' for the constant) to its coefficient. */
type Poly = Map<string, number>;

/** Sizes read before (a model's sizes recur at every layer); forgotten wholesale past a bound, so that a long editing session does not pile them up. */
const parsed = new Map<string, Poly>();
const MOST_REMEMBERED = 10_000;

function parse(size: string): Poly {
  let p = parsed.get(size);
  if (p) return p;
  if (parsed.size >= MOST_REMEMBERED) parsed.clear();
  p = new Map();
  for (const term of termsOf(size)) {
    let coefficient = term.startsWith('-') ? -1 : 1;
    const names: string[] = [];
    for (const factor of outside(term.replace(/^[+-]/, ''), isTimes)) {
      if (/^\d+$/.test(factor)) coefficient *= Number(factor);
      else names.push(factor);
    }
    addTerm(p, names.sort().join('*'), coefficient);
  }
  parsed.set(size, p);
  return p;
}

/** A size's terms, each with its sign: cut before each + or - outside parentheses (a `floor(...)` holds its own). */
const termsOf = (size: string): string[] => outside(size, isSign, true);

/**
 * `s` cut at each character `cut` accepts outside parentheses, never before a part's first
 * character; `keep`: that character begins the next part (a term's sign), else it goes.
 */
function outside(s: string, cut: (c: string) => boolean, keep = false): string[] {
  const parts: string[] = [];
  let [depth, start] = [0, 0];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '(') depth++;
    else if (c === ')') depth--;
    else if (depth === 0 && i > start && cut(c)) {
      parts.push(s.slice(start, i));
      start = keep ? i : i + 1;
    }
  }
  parts.push(s.slice(start));
  return parts;
}

const isSign = (c: string) => c === '+' || c === '-';
const isTimes = (c: string) => c === '*';

/** The names a term multiplies ('' for the constant: none). */
const factorsOf = (names: string): string[] => (names === '' ? [] : outside(names, isTimes));

function poly(size: number | string): Poly {
  return typeof size === 'number' ? new Map(size === 0 ? [] : [['', size]]) : parse(size);
}

function addTerm(p: Poly, names: string, coefficient: number): void {
  const c = (p.get(names) ?? 0) + coefficient;
  if (c === 0) p.delete(names);
  else p.set(names, c);
}

const degree = (names: string) => factorsOf(names).length;

/** Past these a size is no help to anyone reading it (and its coefficients stop being whole numbers): it is unknown. */
const MOST_TERMS = 6;
const HIGHEST_DEGREE = 4;

/** The canonical string of a polynomial, its number when it is a constant, or null (unknown) when it is too large to write. */
function written(p: Poly): number | string | null {
  if (p.size === 0) return 0;
  if (p.size > MOST_TERMS) return null;
  for (const [names, c] of p) if (!Number.isSafeInteger(c) || degree(names) > HIGHEST_DEGREE) return null;
  if (p.size === 1 && p.has('')) return p.get('')!;
  const terms = [...p].sort(([a], [b]) => (a === '' ? 1 : b === '' ? -1 : degree(b) - degree(a) || (a < b ? -1 : a > b ? 1 : 0)));
  return terms
    .map(([names, c], i) => {
      const magnitude = Math.abs(c);
      const term = names === '' ? String(magnitude) : magnitude === 1 ? names : `${names}*${magnitude}`;
      return c < 0 ? `-${term}` : i === 0 ? term : `+${term}`;
    })
    .join('');
}

/** A sum; unknown (null) when either is. */
export function addSizes(a: number | string | null, b: number | string | null): number | string | null {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a + b;
  const sum = new Map(poly(a));
  for (const [names, c] of poly(b)) addTerm(sum, names, c);
  return written(sum);
}

/** A product; unknown (null) when either is. */
export function multiplySizes(a: number | string | null, b: number | string | null): number | string | null {
  if (a === null || b === null) return null;
  if (typeof a === 'number' && typeof b === 'number') return a * b;
  const out: Poly = new Map();
  for (const [x, cx] of poly(a)) {
    for (const [y, cy] of poly(b)) addTerm(out, [...factorsOf(x), ...factorsOf(y)].sort().join('*'), cx * cy);
  }
  return written(out);
}

/**
 * `a / b` when it is a polynomial for every value of the names (`T*8 / 8` is `T`,
 * `T*S*4 / T` is `S*4`); undefined otherwise (or when the quotient is too large to write). `b` must be one term.
 */
export function divideSizes(a: number | string, b: number | string): number | string | undefined {
  const divisor = poly(b);
  if (divisor.size !== 1) return undefined;
  const [[names, c]] = divisor;
  const factors = factorsOf(names);
  const out: Poly = new Map();
  for (const [term, coefficient] of poly(a)) {
    const rest = factorsOf(term);
    for (const f of factors) {
      const at = rest.indexOf(f);
      if (at < 0) return undefined;
      rest.splice(at, 1);
    }
    if (coefficient % c !== 0) return undefined;
    addTerm(out, rest.join('*'), coefficient / c);
  }
  return written(out) ?? undefined;
}

/**
 * When two sizes are equal. Sizes are positive whole numbers, so `T-2` and `T` never are,
 * nor are `T*2` and `5`; `T` and `5` are when T = 5; `T` and `S` may be.
 */
export type SizeAgreement =
  | { kind: 'equal' }
  | { kind: 'differ' }
  /** Equal only when `name` is `value`. */
  | { kind: 'when'; name: string; value: number }
  /** Equal for some values of the names, none of which this can name. */
  | { kind: 'maybe' };

export function compareSizes(a: number | string, b: number | string): SizeAgreement {
  if (a === b) return { kind: 'equal' };
  const difference = new Map(poly(a));
  for (const [names, c] of poly(b)) addTerm(difference, names, -c);
  if (difference.size === 0) return { kind: 'equal' };
  const symbolic = [...difference.keys()].filter((n) => n !== '');
  if (symbolic.length === 0) return { kind: 'differ' };
  if (symbolic.length === 1 && degree(symbolic[0]) === 1) {
    // k·T + c = 0: one value of T, which must be a positive whole number.
    const value = -(difference.get('') ?? 0) / difference.get(symbolic[0])!;
    return Number.isInteger(value) && value > 0 ? { kind: 'when', name: symbolic[0], value } : { kind: 'differ' };
  }
  // Every coefficient, the constant's too, of one sign: positive names never make it zero.
  const signs = new Set([...difference.values()].map(Math.sign));
  return signs.size === 1 ? { kind: 'differ' } : { kind: 'maybe' };
}

/**
 * `floor(a / by)`: the length a window moving `by` steps leaves (`floor((T-1)/2)`), which
 * no polynomial says unless `by` divides it. What `by` divides comes out whole and the
 * constant left is brought into [0, by), so each such size has one written form too:
 * `floor(T/2)`, `floor((T+1)/2)-1`, and `T+1` for (T*4+6)/4. The `floor(...)` is a name to the
 * rest of this algebra, and a size like any other: at least 1 where the model runs.
 */
export function floorDivide(a: number | string | null, by: number): number | string | null {
  if (a === null) return null;
  if (typeof a === 'number') return Math.floor(a / by);
  const whole: Poly = new Map();
  const rest: Poly = new Map();
  for (const [names, c] of poly(a)) {
    const kept = names === '' ? ((c % by) + by) % by : c % by === 0 ? 0 : c;
    if (c !== kept) addTerm(whole, names, (c - kept) / by);
    if (kept !== 0) addTerm(rest, names, kept);
  }
  const inner = written(rest);
  if (inner === null) return null;
  // Only a constant in [0, by) left: its floor is 0.
  if (typeof inner === 'string') addTerm(whole, floorName(inner, rest.size > 1, by), 1);
  return written(whole);
}

/** The name of floor(inner / by); a floor of a floor is one (two windows moving 2 steps are one moving 4: `floor(T/4)`). */
function floorName(inner: string, terms: boolean, by: number): string {
  const nested = terms ? undefined : floorOf(inner);
  if (nested) return `floor(${nested.written}/${nested.by * by})`;
  return `floor(${terms ? `(${inner})` : inner}/${by})`;
}

/** What a name `floor(X/k)` divides (X as written inside, and as a size) and by what; undefined for any other name or a product. */
function floorOf(name: string): { written: string; size: string; by: number } | undefined {
  if (!name.startsWith('floor(') || !name.endsWith(')')) return undefined;
  // The parenthesis `floor(` opens must be the last one closed: `floor(T/2)*floor(S/3)` is a product.
  let depth = 0;
  for (let i = 5; i < name.length - 1; i++) {
    if (name[i] === '(') depth++;
    else if (name[i] === ')' && --depth === 0) return undefined;
  }
  const inside = name.slice(6, -1);
  const slash = inside.lastIndexOf('/');
  const written = inside.slice(0, slash);
  return { written, size: written.startsWith('(') ? written.slice(1, -1) : written, by: Number(inside.slice(slash + 1)) };
}

/** A size's value with each name given one (as the data gives them). */
export function evaluateSize(size: number | string, value: (name: string) => number): number {
  const valueOf = (name: string): number => {
    const divided = floorOf(name);
    return divided ? Math.floor(evaluateSize(divided.size, value) / divided.by) : value(name);
  };
  let total = 0;
  for (const [names, c] of poly(size)) total += c * factorsOf(names).reduce((p, n) => p * valueOf(n), 1);
  return total;
}
