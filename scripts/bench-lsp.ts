/**
 * `npm run bench:lsp`: the real server over stdio. Time to answer `initialize` after
 * the process starts; didChange → publishDiagnostics, completion and hover round
 * trips on files of 200, 2,000 and 20,000 lines (p50 and p95 over many edits; a tenth
 * as many on the largest), semantic tokens as edits to the last result after each edit,
 * and didChange → publishDiagnostics for line breaks typed halfway down. "open" is
 * didOpen → publishDiagnostics for the file, in a server that has analysed only the
 * smaller files before: what opening a large file costs while V8 is still compiling.
 * Last, the first mistake typed (a comma too many) against the next one.
 */
import { join } from 'node:path';
import { CompletionRequest, HoverRequest, SemanticTokensDeltaRequest, SemanticTokensRequest } from 'vscode-languageserver-protocol';
import { TestClient } from '../tests/protocol/client';
import { generateSource } from './generate-source';

const EDITS = Number(process.env.EDITS ?? 200);

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
}

/**
 * Well-formed code never builds the parser for code with mistakes (chevrotain's
 * self-analysis); the server builds it a second after start (server/main.ts), so the
 * first mistake typed costs what the next ones do. (Run last, on declarations of other
 * names, so that neither the table's files nor this one find the other's pieces cached.)
 */
async function firstMistake(client: TestClient): Promise<void> {
  const uri = 'file:///bench/first-mistake.dlnet';
  const text = generateSource(200).replace(/\b(Unit|Conv|Mlp)(\d+)/g, 'Other$1$2');
  await client.open(uri, text);
  const line = text.split('\n').findIndex((l) => l.startsWith('  dense(64,'));
  const times: number[] = [];
  for (let i = 0; i < 2; i++) {
    const s = performance.now();
    await client.change(uri, ',', { start: { line, character: 11 }, end: { line, character: 11 } });
    times.push(performance.now() - s);
  }
  console.log(`the first mistake typed (a comma too many): published in ${times[0].toFixed(1)} ms (the next one ${times[1].toFixed(1)} ms)`);
}

async function main() {
  const t0 = performance.now();
  const client = new TestClient([join(__dirname, 'server.js'), '--stdio']);
  await client.initialize();
  const startup = performance.now() - t0;
  console.log(`initialize answered ${startup.toFixed(0)} ms after spawning the server`);
  console.log('');
  console.log('lines  open ms  diagnostics p50/p95 ms  after a new line p50/p95  completion p50/p95 ms  hover p50/p95 ms  semantic tokens p50/p95 ms (bytes)');
  for (const lines of [200, 2000, 20000]) {
    const edits = lines > 10_000 ? EDITS / 10 : EDITS;
    const text = generateSource(lines);
    const uri = `file:///bench/${lines}.dlnet`;
    const opening = performance.now();
    await client.open(uri, text);
    const open = performance.now() - opening;
    const textLines = text.split('\n');
    const target = textLines.findIndex((l) => l.startsWith('  dense(64'));
    const diag: number[] = [];
    const comp: number[] = [];
    const hov: number[] = [];
    const tok: number[] = [];
    let tokenBytes = 0;
    let resultId = (await client.connection.sendRequest(SemanticTokensRequest.type, { textDocument: { uri } }))!.resultId!;
    for (let i = 0; i < edits; i++) {
      const units = String(10 + (i % 80)).padStart(2, '0');
      const s = performance.now();
      await client.change(uri, units, { start: { line: target, character: 8 }, end: { line: target, character: 10 } });
      diag.push(performance.now() - s);
      const c = performance.now();
      await client.connection.sendRequest(CompletionRequest.type, { textDocument: { uri }, position: { line: target, character: 14 } });
      comp.push(performance.now() - c);
      const h = performance.now();
      await client.connection.sendRequest(HoverRequest.type, { textDocument: { uri }, position: { line: target, character: 4 } });
      hov.push(performance.now() - h);
      const k = performance.now();
      const tokens = await client.connection.sendRequest(SemanticTokensDeltaRequest.type, { textDocument: { uri }, previousResultId: resultId });
      tok.push(performance.now() - k);
      tokenBytes = Math.max(tokenBytes, JSON.stringify(tokens).length);
      resultId = tokens!.resultId!;
    }
    // Typing Enter halfway down, again and again: every declaration below moves to lines it never was on.
    const middle = Math.floor(textLines.length / 2);
    const newline: number[] = [];
    for (let i = 0; i < edits / 4; i++) {
      const s = performance.now();
      await client.change(uri, '\n', { start: { line: middle, character: 0 }, end: { line: middle, character: 0 } });
      newline.push(performance.now() - s);
    }
    const f = (xs: number[]) => `${pct(xs, 50).toFixed(1)} / ${pct(xs, 95).toFixed(1)}`.padEnd(22);
    console.log(`${String(textLines.length).padStart(5)}  ${open.toFixed(0).padStart(7)}  ${f(diag)}  ${f(newline)}  ${f(comp)}  ${f(hov)}  ${f(tok)} (${tokenBytes})`);
  }
  console.log('');
  await firstMistake(client);
  await client.dispose();
}

void main();
