/**
 * `npm run bench:check`: parse + resolve + infer + lint on generated files of 1k to
 * 50k lines (many models, blocks and chains); median of several runs per size.
 * "cold" analyses a file never seen; "after an edit" re-analyses it after a change
 * within one line, as the language server does (unchanged declarations are neither
 * re-parsed nor re-checked); "after a new line" after inserting a line halfway down,
 * which moves every declaration below it (as in the editor, the analyses name their
 * document, so those declarations move with their trees and checks: syntax/parse.ts);
 * "edit, script atop" after the same edit with PyTorch's MNIST example pasted above the
 * declarations, not yet fixed (a text with syntax errors reads the Python around them).
 * The other columns say where a cold analysis goes: lexing alone, the parse alone
 * (lexing included), the checks alone (an analysis of trees just parsed: the parse
 * cache hands them over, and nothing is remembered of them yet), the garbage
 * collector's share of the cold analysis, what an analysis keeps in memory (its tree and
 * facts: the collector copies all of it once or twice while the analysis runs, so it
 * weighs on the time too, and unlike the time it does not vary from run to run), and the
 * floor of any chevrotain parse of these tokens (see chevrotain-floor.ts).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { analyze, clearParseCache } from '../dsl';
import { lex } from '../dsl/syntax/lexer';
import { parse } from '../dsl/syntax/parse';
import { chevrotainFloor, floorTokens } from './chevrotain-floor';
import { generateSource } from './generate-source';

const sizes = [1_000, 5_000, 20_000, 50_000];
const runs = Number(process.env.RUNS ?? 9);
/** The editor's analyses name their document (see `AnalyzeOptions.document`). */
const asDocument = { document: 'file:///bench.dlnet' };

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
}).observe({ entryTypes: ['gc'] });
// A full collection on demand, to weigh what an analysis keeps (without --expose-gc on the command line).
setFlagsFromString('--expose-gc');
const collect = runInNewContext('gc') as () => void;

/** The heap an analysis keeps alive: the heap with it and without it, each after a full collection. */
function retainedMb(text: string): number {
  clearParseCache();
  collect();
  const before = process.memoryUsage().heapUsed;
  let analysis: ReturnType<typeof analyze> | undefined = analyze(text, asDocument);
  collect();
  const after = process.memoryUsage().heapUsed;
  analysis = undefined;
  void analysis;
  clearParseCache();
  return (after - before) / 1e6;
}

/** GC entries arrive on the event loop: yield once so they are counted against the run that caused them. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 0));

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function timed(f: () => unknown): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

// Warm up the parser (chevrotain's self-analysis), the floor grammar and the JIT, so
// every column measures steady-state code rather than the first calls' compilation.
const warm = generateSource(2_000);
for (let i = 0; i < 5; i++) {
  clearParseCache();
  analyze(warm);
}
const warmFloor = floorTokens(lex(warm).tokens);
for (let i = 0; i < 20; i++) chevrotainFloor(warmFloor);

async function main(): Promise<void> {
  const rows: string[][] = [['lines', 'tokens', 'cold median ms', 'cold min ms', 'µs/line', 'GC share', 'after an edit ms', 'after a new line ms', 'edit, script atop ms', 'lex ms', 'parse ms', 'check ms', 'retained MB', 'chevrotain floor ms', 'errors']];
  for (const lines of sizes) {
    const text = generateSource(lines);
    const cold: number[] = [];
    const gc: number[] = [];
    const edited: number[] = [];
    const shifted: number[] = [];
    const scripted: number[] = [];
    // PyTorch's MNIST example pasted at the top, not yet fixed: every analysis reads the Python around the file's declarations.
    const withScript = `${readFileSync(join(__dirname, '..', 'tests', 'python', 'pytorch-mnist.py'), 'utf8')}\n${text}`;
    const lexTimes: number[] = [];
    const parseTimes: number[] = [];
    const checkTimes: number[] = [];
    const floorTimes: number[] = [];
    let errors = 0;
    // Each phase in a loop of its own, so one phase's garbage is not collected in another's time.
    let tokens = lex(text).tokens;
    const tokenCount = tokens.length;
    const floor = floorTokens(tokens);
    tokens = [];
    for (let r = 0; r < runs; r++) floorTimes.push(chevrotainFloor(floor));
    for (let r = 0; r < runs; r++) lexTimes.push(timed(() => lex(text)));
    for (let r = 0; r < runs; r++) {
      clearParseCache();
      parseTimes.push(timed(() => parse(text)));
    }
    for (let r = 0; r < runs; r++) {
      clearParseCache();
      parse(text, asDocument.document);
      checkTimes.push(timed(() => analyze(text, asDocument)));
    }
    for (let r = 0; r < runs; r++) {
      clearParseCache();
      await settle();
      const gcBefore = gcMs;
      let analysis: ReturnType<typeof analyze> | undefined;
      cold.push(timed(() => (analysis = analyze(text, asDocument))));
      await settle();
      gc.push(gcMs - gcBefore);
      errors = analysis!.diagnostics.filter((d) => d.severity === 'error').length;
      const changed = text.replace('dense(64,', `dense(${65 + r},`);
      edited.push(timed(() => analyze(changed, asDocument)));
      // A new line halfway down moves every declaration below it: those are parsed and checked again.
      const middle = text.indexOf('\nmodel', text.length / 2);
      const inserted = `${text.slice(0, middle)}\n# a new line ${r}${text.slice(middle)}`;
      analyze(text, asDocument);
      shifted.push(timed(() => analyze(inserted, asDocument)));
      analyze(withScript, asDocument);
      scripted.push(timed(() => analyze(withScript.replace('dense(64,', `dense(${65 + r},`), asDocument)));
    }
    const m = median(cold);
    rows.push([
      String(text.split('\n').length), String(tokenCount), m.toFixed(1), Math.min(...cold).toFixed(1), ((m * 1000) / lines).toFixed(2),
      `${Math.round((100 * median(gc)) / m)}%`, median(edited).toFixed(1), median(shifted).toFixed(1), median(scripted).toFixed(1), median(lexTimes).toFixed(1), median(parseTimes).toFixed(1),
      median(checkTimes).toFixed(1), retainedMb(text).toFixed(1), median(floorTimes).toFixed(1), String(errors),
    ]);
}
const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padStart(widths[c])).join('  '));
}

void main();
