/**
 * The fast path for well-formed declarations (dsl/syntax/well-formed.ts) against the
 * chevrotain parser (dsl/syntax/parser.ts), declaration by declaration: where the fast
 * path reads one, chevrotain reads it without an error and builds the same tree (every
 * object, its fields in the same order, the same objects shared: ranges share positions,
 * and a moved tree shifts each position once) and lists the same positions. And wherever
 * chevrotain reads a declaration without an error, the fast path reads it too, or it
 * would quietly stop being the fast path.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IToken } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { lexDeclarations } from '../dsl/syntax/lexer';
import { declarationTokens } from '../dsl/syntax/parse';
import { parserInstance } from '../dsl/syntax/parser';
import { declarationKeywords } from '../dsl/syntax/tokens';
import { readWellFormed } from '../dsl/syntax/well-formed';
import { generateSource } from '../scripts/generate-source';
import { dlnetFiles } from './support/files';

/** An object graph as text: every object once, in field order, later meetings by number (so sharing is compared too). */
function graph(root: unknown): string {
  const seen = new Map<object, number>();
  const out: string[] = [];
  const visit = (v: unknown): void => {
    if (typeof v !== 'object' || v === null) {
      out.push(v === undefined ? 'undefined' : JSON.stringify(v));
      return;
    }
    const id = seen.get(v);
    if (id !== undefined) {
      out.push(`#${id}`);
      return;
    }
    seen.set(v, seen.size);
    out.push(Array.isArray(v) ? '[' : '{');
    for (const key of Object.keys(v)) {
      out.push(`${key}:`);
      visit((v as Record<string, unknown>)[key]);
    }
    out.push(Array.isArray(v) ? ']' : '}');
  };
  visit(root);
  return out.join(' ');
}

interface Outcome {
  /** Declarations chevrotain read without an error. */
  clean: number;
  /** Of those, the ones the fast path read too. */
  fast: number;
  mismatches: string[];
}

function compare(text: string, outcome: Outcome): void {
  const declarations: IToken[][] = [];
  lexDeclarations(text, (tokens) => {
    if (declarationKeywords.has(tokens[0].tokenType)) declarations.push(declarationTokens(tokens));
  });
  const parser = parserInstance();
  for (const tokens of declarations) {
    const fast = readWellFormed(tokens);
    parser.begin(tokens);
    const decl = parser.declaration();
    const clean = parser.errors.length === 0 && parser.extraErrors.length === 0;
    const where = `line ${tokens[0].startLine}: ${JSON.stringify(tokens.map((tok) => tok.image).join(' ').slice(0, 120))}`;
    if (clean) outcome.clean++;
    if (fast) outcome.fast++;
    if (fast && !clean) outcome.mismatches.push(`fast path read what chevrotain reports, ${where}`);
    else if (clean && !fast) outcome.mismatches.push(`fast path gave up on a well-formed declaration, ${where}`);
    else if (fast && graph({ decl: fast.decl, positions: fast.positions }) !== graph({ decl, positions: parser.ranges.positions })) outcome.mismatches.push(`different trees, ${where}`);
  }
}

const corpus = [...dlnetFiles(join(__dirname, '..', 'samples')), ...dlnetFiles(join(__dirname, 'fixtures'))].map((f) => [f, readFileSync(f, 'utf8')] as const);

describe('the fast path for well-formed declarations', () => {
  it('builds what chevrotain builds for every declaration of the samples, the fixtures and the benchmark file', () => {
    const outcome: Outcome = { clean: 0, fast: 0, mismatches: [] };
    for (const [, text] of corpus) compare(text, outcome);
    compare(generateSource(2_000), outcome);
    expect(outcome.mismatches).toEqual([]);
    // The corpus is mostly well formed; the fixtures of syntax errors are not.
    expect(outcome.fast).toBeGreaterThan(500);
  });

  it('every declaration of a sample takes the fast path', () => {
    for (const f of dlnetFiles(join(__dirname, '..', 'samples'))) {
      const outcome: Outcome = { clean: 0, fast: 0, mismatches: [] };
      compare(readFileSync(f, 'utf8'), outcome);
      expect(outcome.fast, f).toBeGreaterThan(0);
      expect(outcome.fast, f).toBe(outcome.clean);
    }
  });

  it('reads a source called in place whose arguments recovery gives up (a random edit found the parser throwing)', () => {
    const outcome: Outcome = { clean: 0, fast: 0, mismatches: [] };
    for (const text of ['train M on d(( { loss: x }\n', 'train M on d(a: { epochs: 1 }\n', 'train M on d(a b) { epochs: 1 }\n']) compare(text, outcome);
    expect(outcome.mismatches).toEqual([]);
    expect(outcome.clean).toBe(0);
  });

  it('agrees with chevrotain after random edits', () => {
    const pieces = ['(', ')', '[', ']', '{', '}', ',', ':', '=', ';', '->', '\n', ' ', 'x', '3', '"s"', '?', 'true', 'input', 'output', 'residual', 'shortcut', 'repeat', 'vs', 'on', '# c', ' * 2', '-', '//', '(x + 1)'];
    const outcome: Outcome = { clean: 0, fast: 0, mismatches: [] };
    fc.assert(fc.property(
      fc.integer({ min: 0, max: corpus.length - 1 }),
      fc.array(fc.record({ at: fc.nat(), cut: fc.nat({ max: 3 }), text: fc.constantFrom(...pieces, '') }), { minLength: 1, maxLength: 4 }),
      (which, edits) => {
        let text = corpus[which][1];
        for (const e of edits) {
          const p = e.at % (text.length + 1);
          text = text.slice(0, p) + e.text + text.slice(p + e.cut);
        }
        compare(text, outcome);
        expect(outcome.mismatches).toEqual([]);
      },
    ), { numRuns: 300 });
  });
});
