/**
 * `npm run bench:check`: parse + resolve + infer + lint on generated files of 1k to
 * 50k lines (many models, blocks and chains); median of several runs per size.
 * "cold" analyses a file never seen; "after an edit" re-analyses it after a one-line
 * change, as the language server does (unchanged declarations are not re-parsed).
 */
import { analyze, clearParseCache } from '../dsl';
import { lex } from '../dsl/syntax/lexer';
import { chevrotainFloor, floorTokens } from './chevrotain-floor';
import { generateSource } from './generate-source';

const sizes = [1_000, 5_000, 20_000, 50_000];
const runs = Number(process.env.RUNS ?? 7);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

// Warm up the parser (chevrotain's self-analysis) and the JIT.
for (let i = 0; i < 5; i++) analyze(generateSource(2_000));

const rows: string[][] = [['lines', 'tokens', 'cold median ms', 'cold min ms', 'µs/line', 'after an edit ms', 'lex ms', 'chevrotain floor ms', 'errors']];
for (const lines of sizes) {
  const text = generateSource(lines);
  const cold: number[] = [];
  const edited: number[] = [];
  let errors = 0;
  for (let r = 0; r < runs; r++) {
    clearParseCache();
    let t0 = performance.now();
    const a = analyze(text);
    cold.push(performance.now() - t0);
    errors = a.diagnostics.filter((d) => d.severity === 'error').length;
    const changed = text.replace('dense(64,', `dense(${65 + r},`);
    t0 = performance.now();
    analyze(changed);
    edited.push(performance.now() - t0);
  }
  const m = median(cold);
  // What any chevrotain-based checker pays before building a tree: lexing, and the least grammar that consumes the tokens.
  const lexTimes: number[] = [];
  const floorTimes: number[] = [];
  let tokens = 0;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    const lexed = lex(text).tokens;
    lexTimes.push(performance.now() - t0);
    tokens = lexed.length;
    floorTimes.push(chevrotainFloor(floorTokens(lexed)));
  }
  rows.push([String(text.split('\n').length), String(tokens), m.toFixed(1), Math.min(...cold).toFixed(1), ((m * 1000) / lines).toFixed(2), median(edited).toFixed(1), median(lexTimes).toFixed(1), median(floorTimes).toFixed(1), String(errors)]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padStart(widths[c])).join('  '));
