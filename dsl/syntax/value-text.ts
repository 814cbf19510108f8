/**
 * A value written back as source (`filters * 4`, `(a + b) * 2`, `[28, 28, 1]`), for
 * messages and fixes that quote or move it: parentheses where the operators' precedence
 * needs them, one space around each operator, as the formatter writes them.
 */
import type * as ast from './ast';

const precedence = (op: ast.ArithOp): number => (op === '+' || op === '-' ? 1 : 2);

export function valueText(v: ast.Value): string {
  switch (v.kind) {
    case 'number': return v.text;
    case 'string': return JSON.stringify(v.value);
    case 'bool': return String(v.value);
    case 'unknown': return '?';
    case 'list': return `[${v.items.map(valueText).join(', ')}]`;
    case 'call': return v.args ? `${v.callee.text}(${v.args.map((a) => (a.name ? `${a.name.text}: ` : '') + valueText(a.value)).join(', ')})` : v.callee.text;
    case 'arith': {
      const p = precedence(v.op);
      // Operators group from the left: a right operand of the same precedence keeps its parentheses (`a - (b - c)`).
      const left = v.left.kind === 'arith' && precedence(v.left.op) < p ? `(${valueText(v.left)})` : valueText(v.left);
      const right = v.right.kind === 'arith' && precedence(v.right.op) <= p ? `(${valueText(v.right)})` : valueText(v.right);
      return `${left} ${v.op} ${right}`;
    }
  }
}
