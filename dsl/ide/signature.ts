/** Signature help inside a call: the parameters, their docs, and which one the cursor is on. */
import type { Analysis } from '../analyze';
import type { Position } from '../syntax/range';
import { callAtCursor } from './completion';
import { paramLine } from './describe';

export interface SignatureHelp {
  label: string;
  doc?: string;
  parameters: { label: [number, number]; doc: string }[];
  active: number;
}

export function signatureHelp(a: Analysis, pos: Position): SignatureHelp | undefined {
  const call = callAtCursor(a, pos);
  if (!call) return undefined;
  let label = `${call.callee}(`;
  const parameters = call.params.map((p, i) => {
    if (i > 0) label += ', ';
    const text = paramLine(p);
    const start = label.length;
    label += text;
    return { label: [start, label.length] as [number, number], doc: p.doc };
  });
  label += ')';
  return { label, parameters, active: call.active };
}
