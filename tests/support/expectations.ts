/**
 * Inline expectations in .dlnet fixtures, in the style of rust-analyzer's tests.
 * An annotation is a comment line under the line it talks about:
 *
 *     conv2d(8, kernel: 3)
 *   # ^^^^^^^^^^^^^^^^^^^^ error: rank-mismatch expects a rank-3 input
 *   # ^^^^^^ shape: [26, 26, 8]
 *   # ^^^^^^ params: 80
 *
 * The carets give the start column and length of the range (a single caret: any
 * length); after the severity and
 * code, optional text must appear in the message. `# <- severity: code` marks a
 * range that starts at column 0. `shape:` and `params:` check the statement or step
 * that starts at the caret.
 */
export interface DiagnosticExpectation {
  kind: 'diagnostic';
  line: number;
  character: number;
  length?: number;
  severity: string;
  code: string;
  text?: string;
  source: number;
}

export interface ValueExpectation {
  kind: 'shape' | 'params';
  line: number;
  character: number;
  value: string;
  source: number;
}

export type Expectation = DiagnosticExpectation | ValueExpectation;

const ANNOTATION = /^(\s*)#(\s*)(\^+|<-)\s+(error|warning|information|hint|shape|params):\s*(.*)$/;

export function isAnnotation(line: string): boolean {
  return ANNOTATION.test(line);
}

export function readExpectations(text: string): Expectation[] {
  const lines = text.split(/\r?\n/);
  const out: Expectation[] = [];
  let target = -1;
  lines.forEach((line, i) => {
    const m = ANNOTATION.exec(line);
    if (!m) {
      target = i;
      return;
    }
    const [, lead, gap, marks, kind, rest] = m;
    const character = marks === '<-' ? 0 : lead.length + 1 + gap.length;
    const length = marks === '<-' || marks.length === 1 ? undefined : marks.length;
    if (kind === 'shape' || kind === 'params') {
      out.push({ kind, line: target, character, value: rest.trim(), source: i + 1 });
    } else {
      const [code, ...words] = rest.trim().split(/\s+/);
      out.push({ kind: 'diagnostic', line: target, character, length, severity: kind, code, text: words.join(' ') || undefined, source: i + 1 });
    }
  });
  return out;
}
