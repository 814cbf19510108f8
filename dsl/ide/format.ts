/**
 * The formatter: one canonical style, idempotent, comments kept. It only changes
 * white space and never joins or splits lines, so the meaning cannot change and a
 * range can be formatted line by line. Files with syntax errors are left alone.
 */
import type { IToken } from 'chevrotain';
import { lex } from '../syntax/lexer';
import { parse } from '../syntax/parse';
import { lineBreakOf, splitLines } from '../syntax/range';
import * as t from '../syntax/tokens';

export interface FormatOptions {
  indent: string;
  /** The editor's name for the document, as the analysis is given it (see `AnalyzeOptions.document`). */
  document?: string;
}

const OPENERS = new Set([t.LCurly, t.LParen, t.LBracket]);
const CLOSERS = new Set([t.RCurly, t.RParen, t.RBracket]);
const NO_SPACE_BEFORE = new Set([t.Comma, t.Colon, t.Semicolon, t.RParen, t.RBracket]);
const NO_SPACE_AFTER = new Set([t.LParen, t.LBracket]);

function spaceBetween(a: IToken, b: IToken): string {
  if (b.tokenType === t.Comment) return '  ';
  if (NO_SPACE_BEFORE.has(b.tokenType) || NO_SPACE_AFTER.has(a.tokenType)) return '';
  if (b.tokenType === t.LParen && a.tokenType === t.Identifier) return '';
  return ' ';
}

/** The formatted text, in the text's own line breaks (its first one), or undefined when the text has syntax errors. */
export function format(text: string, options: FormatOptions = { indent: '  ' }): string | undefined {
  if (parse(text, options.document).errors.length > 0) return undefined;
  const { tokens, comments } = lex(text, true);
  const all = [...tokens, ...comments].sort((x, y) => x.startOffset - y.startOffset);
  const lines: IToken[][] = [[]];
  for (const tok of all) {
    if (tok.tokenType === t.Newline) lines.push([]);
    else lines[lines.length - 1].push(tok);
  }
  const out: string[] = [];
  let depth = 0;
  let blank = 0;
  for (const line of lines) {
    if (line.length === 0) {
      blank++;
      continue;
    }
    const first = line[0].tokenType;
    const previous = out.length ? out[out.length - 1].trimEnd() : '';
    // At most one blank line, none right inside braces.
    if (blank > 0 && out.length > 0 && !previous.endsWith('{') && first !== t.RCurly) out.push('');
    blank = 0;
    let level = depth - (CLOSERS.has(first) ? 1 : 0) + (first === t.Arrow ? 1 : 0);
    if (first === t.Comment && depth > 0 && previous === '') level = depth;
    let text = options.indent.repeat(Math.max(0, level)) + line[0].image;
    for (let i = 1; i < line.length; i++) text += spaceBetween(line[i - 1], line[i]) + line[i].image;
    out.push(text.trimEnd());
    for (const tok of line) {
      if (OPENERS.has(tok.tokenType)) depth++;
      else if (CLOSERS.has(tok.tokenType)) depth = Math.max(0, depth - 1);
    }
  }
  while (out.length && out[out.length - 1] === '') out.pop();
  const br = lineBreakOf(text);
  return out.join(br) + br;
}

export interface LineEdit {
  line: number;
  /** Number of original lines replaced. */
  count: number;
  text: string[];
}

/** Line-level edits from `before` to `after`, limited to lines startLine..endLine of `before` (all when omitted). */
export function formatEdits(before: string, after: string, startLine = 0, endLine = Number.MAX_SAFE_INTEGER): LineEdit[] {
  const a = splitLines(before);
  const b = splitLines(after);
  if (b[b.length - 1] === '') b.pop();
  if (a[a.length - 1] === '') a.pop();
  // The formatter keeps lines except blank ones; align on non-blank lines.
  const edits: LineEdit[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const si = i;
    const sj = j;
    while (i < a.length && a[i].trim() === '') i++;
    while (j < b.length && b[j] === '') j++;
    const blanksA = i - si;
    const blanksB = j - sj;
    if (blanksA !== blanksB && si >= startLine && si <= endLine) edits.push({ line: si, count: blanksA, text: new Array(blanksB).fill('') });
    if (i < a.length && j < b.length) {
      if (a[i] !== b[j] && i >= startLine && i <= endLine) edits.push({ line: i, count: 1, text: [b[j]] });
      i++;
      j++;
    } else break;
  }
  return edits;
}
