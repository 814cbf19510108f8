/** `dlnet check <files...> [--json]`: exit 0 without errors, 1 with errors, 2 on bad usage. */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { analyze, splitLines, type Diagnostic } from '../../dsl';
import { fileHost } from '../files';
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
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(`cannot read ${file}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'it is a folder' : (e as Error).message}`);
  }
}

export function runCheck(argv: string[], io: Io): number {
  const args = parseArgs(argv, [], ['json']);
  if (args.positional.length === 0) throw new UsageError('dlnet check needs at least one .dlnet file');
  const results = args.positional.map((file) => {
    const text = readSource(file);
    return { file, text, diagnostics: analyze(text, { host: fileHost(file) }).diagnostics };
  });
  const all = results.flatMap((r) => r.diagnostics);
  const errors = all.filter((d) => d.severity === 'error').length;
  const warnings = all.filter((d) => d.severity === 'warning').length;
  if (args.flags.has('json')) {
    io.out(JSON.stringify({
      files: results.map((r) => ({ file: r.file, diagnostics: r.diagnostics.map(diagnosticJson) })),
      errors, warnings,
    }));
  } else {
    for (const r of results) {
      const name = relative(process.cwd(), r.file) || r.file;
      const lines = splitLines(r.text);
      for (const d of r.diagnostics) io.err(formatDiagnostic(name, lines, d, io.colour) + '\n');
    }
    const files = `${results.length} file${results.length === 1 ? '' : 's'}`;
    io.err(`${files} checked: ${errors} error${errors === 1 ? '' : 's'}, ${warnings} warning${warnings === 1 ? '' : 's'}`);
  }
  return errors > 0 ? 1 : 0;
}
