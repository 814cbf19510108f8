/** Compiler-style rendering of diagnostics: file:line:col: severity[code]: message, the line, a caret. */
import { isAbsolute, relative } from 'node:path';
import { visible, type Diagnostic } from '../../dsl';
import { atLine } from '../train/events';

const colours = { error: '\x1b[31m', warning: '\x1b[33m', information: '\x1b[36m', hint: '\x1b[90m', bold: '\x1b[1m', reset: '\x1b[0m' };

/** `lines`: the file's lines (`splitLines`), split once for all its diagnostics: splitting for each made 1,600 of them take 4 s. */
export function formatDiagnostic(file: string, lines: readonly string[], d: Diagnostic, colour = false): string {
  const c = (k: keyof typeof colours, s: string) => (colour ? `${colours[k]}${s}${colours.reset}` : s);
  const { line, character } = d.range.start;
  // One column per character, as the caret counts them: tabs as spaces, control characters as pictures.
  const source = visible((lines[line] ?? '').replace(/\t/g, ' '));
  const endChar = d.range.end.line === line ? Math.max(d.range.end.character, character + 1) : source.length;
  const gutter = String(line + 1).length;
  const pad = ' '.repeat(gutter);
  const out = [
    `${c('bold', `${file}:${line + 1}:${character + 1}:`)} ${c(d.severity, `${d.severity}[${d.code}]`)}: ${d.message}`,
    `${pad} |`,
    `${line + 1} | ${source}`,
    `${pad} | ${' '.repeat(character)}${c(d.severity, '^'.repeat(Math.max(1, endChar - character)))}`,
  ];
  for (const r of d.related ?? []) out.push(`${pad} = note: ${r.message} (${file}:${r.range.start.line + 1}:${r.range.start.character + 1})`);
  for (const f of d.fixes ?? []) out.push(`${pad} = fix: ${f.title}`);
  return out.join('\n');
}

/** Where an error lies, as far as it is known: a line, a column, the diagnostic's code. */
export interface ErrorPlace {
  line?: number;
  character?: number;
  code?: string;
}

/**
 * One line for an error of a file that has no diagnostic to show in full (a train run that
 * cannot start, an export refused), in the words `formatDiagnostic` starts with:
 * `file:line:col: error[code]: message`, each part where known.
 */
export function formatError(file: string, at: ErrorPlace, message: string): string {
  const place = at.line === undefined ? '' : `:${at.line + 1}${at.character === undefined ? '' : `:${at.character + 1}`}`;
  return `${file}${place}: error${at.code ? `[${at.code}]` : ''}: ${message}`;
}

/**
 * An error that stops a run or an export, then the file's other errors behind it, a line
 * each (`formatError`); without a file, as the event stream words a line: `error (line 8): …`.
 */
export function formatErrors(file: string | undefined, at: ErrorPlace, message: string, others: readonly Diagnostic[] = []): string[] {
  const one = (place: ErrorPlace, text: string) => (file === undefined ? `error${atLine(place.line)}: ${text}` : formatError(file, place, text));
  return [one(at, message), ...others.map((d) => one({ ...d.range.start, code: d.code }, d.message))];
}

/** A path as a person reads it: relative to the working folder when it lies inside it. */
export function shownPath(file: string): string {
  const r = relative(process.cwd(), file);
  return r && !r.startsWith('..') && !isAbsolute(r) ? r : file;
}
