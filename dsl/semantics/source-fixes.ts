/**
 * Fixes of a csv source that its table suggests: a column to take the labels from, where it
 * names none; a column at fault (a gap, a stray text) to fill or to leave out.
 */
import { tableColumns, type FileHost, type SourceError } from '../catalog';
import type { Fix } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { listArgumentItemAdded, settingArgument } from './values';

/** How many of a table's columns a csv source that names no label is offered as its label. */
const LABELS_OFFERED = 8;
/** Column names that say "the label" (`target`, `Survived`, `species`, `y`). */
const LABEL_LIKE = /label|target|class|surviv|outcome|species|category|quality|diagnosis|^y$/i;

/**
 * A csv source that names no label column: its table's columns, each a fix, those named like
 * a label first, then the last (where tables put their labels), then the rest.
 */
export function labelFixes(source: ast.Call, host: FileHost): Fix[] | undefined {
  const path = source.args?.[0]?.value;
  const columns = path?.kind === 'string' && !source.args![0].name ? tableColumns(host, path.value) : undefined;
  if (!columns?.length) return undefined;
  const ranked = [...new Set([...columns.filter((c) => LABEL_LIKE.test(c)), columns[columns.length - 1], ...columns])];
  return ranked.slice(0, LABELS_OFFERED).map((column) => ({
    title: `Take the labels from column ${JSON.stringify(column)}`, edits: [settingArgument(source, 'label', JSON.stringify(column))],
  }));
}

/**
 * A table's column at fault (a gap, a stray text): filling its gaps with the mean, or leaving
 * it out, offered (neither preferred: each changes what the model learns from).
 */
export function columnFixes(source: ast.Call, error: SourceError): Fix[] | undefined {
  if (error.column === undefined) return undefined;
  const fixes: Fix[] = [];
  if (error.gap && !source.args?.some((a) => a.name?.text === 'gaps')) {
    fixes.push({ title: "Fill the gaps with the column's mean: gaps: mean", edits: [settingArgument(source, 'gaps', 'mean')] });
  }
  const item = JSON.stringify(error.column);
  const leaveOut = listArgumentItemAdded(source, 'ignore', item);
  if (leaveOut) fixes.push({ title: `Leave out column ${item}: ignore it`, edits: [leaveOut] });
  return fixes.length ? fixes : undefined;
}
