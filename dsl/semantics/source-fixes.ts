/**
 * Fixes of a file source that its files suggest: a file near the .dlnet file for a path that
 * names none; a column to take the labels from, where a csv source names none; a column at
 * fault (a gap, a stray text) to fill or to leave out.
 */
import { fileOfKind, findDataset, tableColumns, type FileHost, type FileKind, type SourceError } from '../catalog';
import type { Fix } from '../diagnostics';
import type * as ast from '../syntax/ast';
import { editDistance } from '../suggest';
import { givenArgument, listArgumentItemAdded, settingArgument } from './values';

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
  if (error.misspelt) return misspeltColumnFix(source, error.misspelt);
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

/** A column named as the header does not write it (`label: "Survival"`, an item of `features`), written as the header does. */
function misspeltColumnFix(source: ast.Call, misspelt: { written: string; meant: string }): Fix[] | undefined {
  const values = (source.args ?? []).slice(1).flatMap((a) => (a.value.kind === 'list' ? a.value.items : [a.value]));
  const at = values.find((v): v is ast.StringLit => v.kind === 'string' && v.value === misspelt.written);
  return at && [{ title: `Change to '${misspelt.meant}'`, edits: [{ range: at.range, newText: JSON.stringify(misspelt.meant) }], preferred: true }];
}

/** The paths a source's call writes for the files it reads (a csv source's path, an idx source's images and labels), with what each file holds. */
export function fileArguments(source: ast.Call): { value: ast.StringLit; kind: FileKind }[] {
  return (findDataset(source.callee.text)?.params ?? []).flatMap((p) => {
    const value = p.type.kind === 'string' && p.type.file ? givenArgument(source, p.name)?.value : undefined;
    return value?.kind === 'string' && p.type.kind === 'string' && p.type.file ? [{ value, kind: p.type.file }] : [];
  });
}

/** How many files a path that names none is offered, at most. */
const PATHS_OFFERED = 6;

const baseName = (path: string) => path.slice(path.lastIndexOf('/') + 1);
const extension = (path: string) => {
  const name = baseName(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot).toLowerCase() : '';
};
const stem = (path: string) => {
  const name = baseName(path).toLowerCase();
  return extension(name) ? name.slice(0, name.length - extension(name).length) : name;
};

/**
 * A data path that names no file: the files of its kind near the .dlnet file (a table by its
 * extension, an IDX file by its name) that it may have meant, first (the same name in another
 * folder, case or extension, a name a few letters off, a file in the folder written; `meant`:
 * the one such, where there is one), then the others, so that the quick fixes show what
 * there is to read. Each fix writes the path.
 */
export function pathFixes(value: ast.StringLit, kind: FileKind, host: FileHost): { fixes?: Fix[]; meant?: string } {
  const written = value.value.replace(/^\.\//, '').replace(/\\/g, '/');
  // Not the file written itself, where it is there but cannot be read (a gzip that does not unpack, no permission).
  const files = host.nearbyFiles?.().filter((f) => f !== written && (fileOfKind(f, kind) || extension(f) === extension(written)));
  if (!files?.length) return {};
  const lower = written.toLowerCase();
  const limit = Math.max(1, Math.min(3, Math.floor(baseName(written).length / 4)));
  const distance = (f: string) => editDistance(f.toLowerCase(), lower);
  // A folder written for a file in it (`data`): its files.
  const folder = `${lower.replace(/\/$/, '')}/`;
  const near = files
    .filter((f) => stem(f) === stem(written) || editDistance(baseName(f).toLowerCase(), baseName(lower)) <= limit || distance(f) <= limit || f.toLowerCase().startsWith(folder))
    .sort((a, b) => distance(a) - distance(b));
  const offered = [...near, ...files.filter((f) => !near.includes(f))].slice(0, PATHS_OFFERED);
  const meant = near.length === 1 ? near[0] : undefined;
  const fixes = offered.map((f): Fix => ({ title: `Read '${f}'`, edits: [{ range: value.range, newText: JSON.stringify(f) }], ...(f === meant ? { preferred: true } : {}) }));
  return { fixes: fixes.length ? fixes : undefined, meant };
}
