/** `dlnet check <files or folders...> [--fix] [--json]`: exit 0 without errors, 1 with errors, 2 on bad usage. */
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { analyze, ide, splitLines, type Diagnostic } from '../../dsl';
import { dlnetFilesUnder, fileHost } from '../files';
import { InputError, parseArgs, UsageError } from './args';
import { formatDiagnostic } from './format';
import type { Io } from './io';

/** The JSON form of a diagnostic (the contract in docs/cli.md; fields are only ever added). */
export function diagnosticJson(d: Diagnostic) {
  return {
    range: d.range, severity: d.severity, code: d.code, message: d.message,
    ...(d.related?.length ? { related: d.related } : {}),
    ...(d.fixes?.length ? { fixes: d.fixes } : {}),
  };
}

export function readSource(file: string): string {
  return readInput(file).toString('utf8');
}

/** A file named on the command line, its bytes (an image to predict for); an InputError that says why it cannot be read. */
export function readInput(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}`);
  }
}

/**
 * The files to check: each path as given, and for a folder every .dlnet file under it, in
 * name order (as `tsc` and `eslint` take a folder). A folder with none is an input error:
 * a CI job that checks nothing should say so.
 */
export function sourcesIn(paths: string[]): string[] {
  const out: string[] = [];
  for (const path of paths) {
    let folder = false;
    try {
      folder = statSync(path).isDirectory();
    } catch {
      // Not there: readSource says so, in the words it uses for any file.
    }
    if (!folder) {
      out.push(path);
      continue;
    }
    const found = dlnetFilesUnder(path);
    if (found.length === 0) throw new InputError(`no .dlnet files in the folder ${path}`);
    out.push(...found);
  }
  return out;
}

/** A file checked: with --fix, after its safe fixes were written back (`fixed` of them). */
interface Checked {
  file: string;
  text: string;
  diagnostics: Diagnostic[];
  fixed?: number;
}

function checkFile(file: string, fix: boolean): Checked {
  const original = readSource(file);
  const host = fileHost(file);
  const check = (text: string) => analyze(text, { host }).diagnostics;
  if (!fix) return { file, text: original, diagnostics: check(original) };
  const { text, applied } = ide.fixAll(original, check);
  if (text !== original) {
    try {
      writeFileSync(file, text);
    } catch (e) {
      throw new InputError(`cannot write the fixes to ${file}: ${(e as Error).message}`);
    }
  }
  return { file, text, diagnostics: check(text), fixed: applied };
}

export function runCheck(argv: string[], io: Io): number {
  const args = parseArgs(argv, [], ['json', 'fix']);
  if (args.positional.length === 0) throw new UsageError('dlnet check needs at least one .dlnet file or folder');
  const fix = args.flags.has('fix');
  const results = sourcesIn(args.positional).map((file) => checkFile(file, fix));
  const all = results.flatMap((r) => r.diagnostics);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  if (args.flags.has('json')) {
    io.out(JSON.stringify({
      files: results.map((r) => ({ file: r.file, diagnostics: r.diagnostics.map(diagnosticJson), ...(r.fixed !== undefined ? { fixed: r.fixed } : {}) })),
      errors, warnings,
    }));
  } else {
    for (const r of results) {
      const name = relative(process.cwd(), r.file) || r.file;
      if (r.fixed) io.err(`${name}: ${r.fixed} fix${r.fixed === 1 ? '' : 'es'} applied`);
      const lines = splitLines(r.text);
      for (const d of r.diagnostics) io.err(formatDiagnostic(name, lines, d, io.colour) + '\n');
    }
    const files = `${results.length} file${results.length === 1 ? '' : 's'}`;
    io.err(`${files} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  }
  return errors > 0 ? 1 : 0;
}
