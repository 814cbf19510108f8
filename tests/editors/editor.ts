/**
 * Other LSP editors driving the real server: each runs the README's snippet for it as
 * written (the server's path filled in), opens a file with an error, and writes what it
 * got back (diagnostics, a hover, a definition) to out.json for the test to read.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';

const root = join(__dirname, '..', '..');

/** CI installs the editors (.ci/run) and sets this, so that a missing one fails instead of skipping. */
export const editorsRequired = process.env.DLNET_REQUIRE_EDITORS === '1';

export function installed(command: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
}

/** The code block of `lang` that first follows the README line starting with `heading`, pointed at this checkout's server. */
export function readmeSnippet(heading: string, lang: string): string {
  const readme = readFileSync(join(root, 'README.md'), 'utf8');
  const from = readme.indexOf(`\n${heading}`);
  if (from < 0) throw new Error(`README has no line starting with "${heading}"`);
  const block = new RegExp('```' + lang + '\\n([\\s\\S]*?)```').exec(readme.slice(from));
  if (!block) throw new Error(`README has no ${lang} block after "${heading}"`);
  return block[1].replaceAll('/path/to/dlnet', root);
}

/** A block used by a model whose last layer gets a tensor of the wrong rank. */
export const source = `block Unit(n) {
  dense(n, activation: relu)
}
model M {
  input x: [784]
  Unit(32)
  conv2d(8, kernel: 3)
}
`;
/** Where the editors ask: \`dense\` in the block, and the use of \`Unit\` in the model (0-based). */
export const hoverAt = { line: 1, character: 3 };
export const definitionAt = { line: 5, character: 3 };

export interface EditorResult {
  diagnostics: { line: number; message: string }[];
  hover: string;
  definition: number;
}

/** Runs an editor in a fresh folder holding net.dlnet and the given files; `args` open net.dlnet. */
export function runEditor(command: string, args: string[], files: Record<string, string>): EditorResult {
  const dir = mkdtempSync(join(tmpdir(), `dlnet-${command}-`));
  writeFileSync(join(dir, 'net.dlnet'), source);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const r = spawnSync(command, args, { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, HOME: dir } });
  try {
    return JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8')) as EditorResult;
  } catch {
    throw new Error(`${command} wrote no results (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** What every editor must have got from the server for \`source\`: the error in the model, the layer's doc, the block's line. */
export function expectServerAnswers(result: EditorResult): void {
  // Editors word it their own way around the server's message (eglot: "dlnet [rank-mismatch]: …").
  expect(result.diagnostics).toContainEqual({ line: 6, message: expect.stringContaining('conv2d expects a rank-3 input [height, width, channels], got [32] (from `Unit` on line 6)') });
  expect(result.hover).toMatch(/^\*\*dense\*\* \(core\) — Fully connected layer/);
  expect(result.definition).toBe(0);
}
