/**
 * Arithmetic on numbers and sizes (`filters * 4`, `units // 2`, `[T * 2, 8]`): one rule
 * per operator for whole numbers, fractions and symbolic sizes alike, the last through
 * the algebra of size.ts.
 */
import type { ArithOp } from '../syntax/ast';
import { addSizes, divideSizes, floorDivide, multiplySizes } from './size';

/** A number, a symbolic size (`T*2`), or null for a size not known (`?`). */
export type Operand = number | string | null;

/** `a op b`, or why it has no value. */
export function applyOp(op: ArithOp, a: Operand, b: Operand): Operand | { error: string } {
  if (a === null || b === null) return null;
  if ((op === '/' || op === '//') && b === 0) return { error: 'division by zero' };
  if (typeof a === 'number' && typeof b === 'number') {
    switch (op) {
      case '+': return a + b;
      case '-': return a - b;
      case '*': return a * b;
      case '/': return a / b;
      case '//': return Math.floor(a / b);
    }
  }
  switch (op) {
    case '+': return addSizes(a, b);
    case '-': return addSizes(a, multiplySizes(-1, b));
    case '*': return multiplySizes(a, b);
    case '/': return divideSizes(a, b) ?? { error: `${b} does not divide ${a} for every value of its names; // divides and rounds down` };
    case '//': return typeof b === 'number' && b > 0 ? floorDivide(a, b) : { error: 'a size divides (//) by a positive whole number only' };
  }
}

/** A result as a message shows it: a fraction to four places. */
export const shownResult = (v: Operand): string => (typeof v === 'number' && !Number.isInteger(v) ? String(Number(v.toFixed(4))) : String(v ?? '?'));
