/**
 * CSV tables, read the same way by the checker (shapes and errors as you type) and by
 * the runtime (the data it trains on), so the two never disagree about a file: quoted
 * fields, doubled quotes, commas and newlines inside quotes (RFC 4180), and every
 * problem found with the line it is on.
 */
import { closest } from '../suggest';
import { tokenIds, WordCounts, type TextLengths } from './text';

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

/** A header row, feature columns (numbers, or texts one-hot) and one label column. */
export interface CsvTable {
  header: string[];
  labelColumn: number;
  size: number;
  /**
   * What each feature value is, in order: a number column's name, or a text column's name
   * and one of its texts (`Sex=female`), one value per text, 1 where the row has it.
   */
  featureNames: string[];
  /** Each number column's largest magnitude (its scale); a column of texts is 0s and 1s (none where the features are token ids). */
  scales: { column: string; scale: number }[];
  /** How its texts are one-hot, for a table to be read like it. */
  encoding: CsvEncoding;
  /** Where a column of texts is read as token ids: how many words its texts have. */
  textLengths?: TextLengths;
  /** Features row by row: size × featureNames.length values. */
  features: Float32Array;
  /** Each row's label as written (trimmed). */
  labels: string[];
  /** The sorted class names when any label is not a number (one-hot labels); undefined for numeric labels. */
  classes?: string[];
  /**
   * Where every label is a whole number from 0 up (0/1, 0–2): one more than the largest,
   * the classes such labels can number. Whether they are classes or values to predict
   * is the loss's to say.
   */
  classNumbers?: number;
}

export interface CsvProblem {
  message: string;
  /** 1-based line of the record at fault, where there is one. */
  line?: number;
  /** The feature column at fault, which the table could be read without. */
  column?: string;
  /** The fault is a gap in a column of numbers, which `gaps` could fill. */
  gap?: boolean;
  /** A column named that the header lacks, and the one of the header it is likely a misspelling of. */
  misspelt?: { written: string; meant: string };
}

/** A column named that the header lacks (`use`: what for), with the header's column it likely means. */
function noColumn(header: string[], name: string, use?: string): CsvProblem {
  // A name of one or two letters is an edit away from every short column name: no guess.
  const meant = name.length > 2 ? closest(name, header) : undefined;
  return {
    message: `has no column '${name}'${use ? ` to ${use}` : ''}${meant ? `; did you mean '${meant}'?` : ''} (columns: ${header.join(', ')})`,
    line: 1,
    misspelt: meant === undefined ? undefined : { written: name, meant },
  };
}

/** RFC 4180 records. Blank lines are skipped. */
export function parseCsv(text: string): CsvRecord[] | CsvProblem {
  const records: CsvRecord[] = [];
  const problem = eachCsvRecord(text, (fields, line) => {
    records.push({ fields, line });
  });
  return problem ?? records;
}

/**
 * Hands each record to `onRecord` as it is read (blank lines skipped), so a big file is
 * never held as records; `onRecord` may return a problem, which ends the reading. An
 * unquoted field is one slice of the text (no string built a character at a time).
 */
export function eachCsvRecord(text: string, onRecord: (fields: string[], line: number) => CsvProblem | void): CsvProblem | undefined {
  const n = text.length;
  let i = 0;
  let line = 1;
  while (i < n) {
    const recordLine = line;
    const fields: string[] = [];
    let atEnd = false;
    while (!atEnd) {
      // Spaces before an opening quote belong to the field (readers trim), as do characters after its closing quote.
      let j = i;
      while (j < n && (text.charCodeAt(j) === 0x20 || text.charCodeAt(j) === 0x09)) j++;
      let field: string;
      if (text.charCodeAt(j) === 0x22) {
        field = text.slice(i, j);
        let k = j + 1;
        for (;;) {
          const q = text.indexOf('"', k);
          if (q < 0) return { message: 'a quoted field is never closed', line: recordLine };
          const piece = text.slice(k, q);
          for (let at = piece.indexOf('\n'); at >= 0; at = piece.indexOf('\n', at + 1)) line++;
          field += piece;
          if (text.charCodeAt(q + 1) === 0x22) {
            field += '"';
            k = q + 2;
          } else {
            k = q + 1;
            break;
          }
        }
        const rest = fieldEnd(text, k);
        field += text.slice(k, rest);
        j = rest;
      } else {
        j = fieldEnd(text, j);
        field = text.slice(i, j);
      }
      fields.push(field);
      const c = text.charCodeAt(j);
      if (c === 0x2c) i = j + 1;
      else {
        atEnd = true;
        if (j >= n) i = n;
        else {
          i = c === 0x0d && text.charCodeAt(j + 1) === 0x0a ? j + 2 : j + 1;
          line++;
        }
      }
    }
    if (fields.length > 1 || fields[0].trim() !== '') {
      const problem = onRecord(fields, recordLine);
      if (problem) return problem;
    }
  }
  return undefined;
}

/** Where an unquoted field (or what follows a closing quote) ends: the next comma or line break, or the end. */
function fieldEnd(text: string, from: number): number {
  let j = from;
  const n = text.length;
  while (j < n) {
    const c = text.charCodeAt(j);
    if (c === 0x2c || c === 0x0a || c === 0x0d) break;
    j++;
  }
  return j;
}

/** How a table is read: its label column, the columns left out of the features, and what fills a gap in a column of numbers (none: a gap is an error). */
export interface CsvReading {
  /** The label column; none where a table is read for its features alone (`dlnet predict --table`, read like the table trained on). */
  label?: string;
  ignore?: readonly string[];
  /** The columns read as features, in this order (else every column but the label and those ignored). */
  features?: readonly string[];
  gaps?: 'mean' | 'zero';
  /** The encoding of another table (the one trained on), to read this one as it was read: its texts one-hot by the other's. */
  like?: CsvEncoding;
  /** A column of texts read as the features, each text as token ids (see text.ts): the other columns but the label are not read. */
  text?: string;
  /** Token ids kept per text (else the most words a text has). */
  length?: number;
  /** Ids in all, the two reserved included (else one per word of the table). */
  vocabulary?: number;
}

/**
 * How a table's texts are one-hot: each column of texts with its texts, and the label's
 * classes where they are texts. A table read `like` another (a validation table) is one-hot
 * by the other's, so that each feature means the same text in both; a text the other never
 * had is all zeros, as scikit-learn's OneHotEncoder(handle_unknown="ignore") makes it.
 */
export interface CsvEncoding {
  /** The feature columns, in order: a table read like this one reads the same, in this order. */
  columns: readonly string[];
  texts: Record<string, readonly string[]>;
  classes?: readonly string[];
  /** Where a column of texts is read as token ids: the column, the ids kept per text, and the word of each id. */
  text?: TokenEncoding;
}

export interface TokenEncoding {
  column: string;
  length: number;
  vocabulary: readonly string[];
}

/** A column's texts in an encoding, where it is a column of texts (own keys only: a column may be called `constructor`). */
export function textsOf(encoding: CsvEncoding, column: string): readonly string[] | undefined {
  return Object.prototype.hasOwnProperty.call(encoding.texts, column) ? encoding.texts[column] : undefined;
}

/** An encoding's columns of texts, in the table's order, with how many texts each holds (as many features, one-hot). */
export function textColumnsOf(encoding: CsvEncoding | undefined): { column: string; texts: number }[] {
  return Object.entries(encoding?.texts ?? {}).map(([column, texts]) => ({ column, texts: texts.length }));
}

/**
 * What marks a gap in a column of numbers: an empty cell, and what pandas reads as missing
 * (`NA`, `NaN`, `null`, ...), and UCI's `?`.
 */
const GAPS = new Set(['', 'NA', 'N/A', 'n/a', '#N/A', 'NaN', 'nan', '-NaN', '-nan', 'null', 'NULL', 'None', '<NA>', '?']);

/** A table's header, size, classes and feature names: what its shapes need (the checker reads only this). */
export type CsvSummary = Omit<CsvTable, 'features' | 'labels'>;

/** Reads and checks a whole table: every row as wide as the header, every cell of a number column a finite number (or a gap, where `gaps` fills it). */
export function readCsvTable(text: string, reading: CsvReading): CsvTable | CsvProblem {
  return walkTable(text, reading, true) as CsvTable | CsvProblem;
}

/** Checks a whole table as `readCsvTable` does, keeping only its summary. */
export function summarizeCsvTable(text: string, reading: CsvReading): CsvSummary | CsvProblem {
  return walkTable(text, reading, false);
}

/**
 * What a feature column holds, counted over the rows: a column whose cells are mostly texts
 * is a text column (one-hot: `Sex` is `Sex=female` and `Sex=male`, an empty cell a text of its
 * own); one of mostly numbers is a number column, where a gap (empty, `NA`, `?`) is filled as
 * `gaps` says or else an error with its line, and a stray text is an error with its line.
 */
class FeatureColumn {
  numbers = 0;
  texts = 0;
  gaps = 0;
  /** The sum of its numbers, for a gap filled with their mean; their largest magnitude. */
  sum = 0;
  scale = 0;
  /** The first cell that is neither a number nor a gap, and its line; the first gap, and its line. */
  firstOther: { cell: string; line: number } | undefined;
  firstGap: { cell: string; line: number } | undefined;
  /** What its gaps are filled with, once known. */
  fill = 0;
  /** A text column's texts, sorted (found by a second reading, or given by the table this one is read like). */
  categories: readonly string[] = [];
  /** Read like another table: texts (its texts given), or numbers. */
  like: 'texts' | 'numbers' | undefined;

  /** `index`: its place in a row; `slot`: its place among the features. */
  constructor(readonly index: number, readonly name: string, readonly slot: number) {}

  get isText(): boolean {
    return this.like ? this.like === 'texts' : this.texts > this.numbers;
  }

  get width(): number {
    return this.isText ? this.categories.length : 1;
  }
}

function walkTable(text: string, reading: CsvReading, keep: boolean): CsvTable | CsvSummary | CsvProblem {
  const { label } = reading;
  let header: string[] | undefined;
  let labelColumn = -1;
  /** The feature columns, in order; `byIndex` by their place in a row (undefined: the label or ignored). */
  let columns: FeatureColumn[] = [];
  let byIndex: (FeatureColumn | undefined)[] = [];
  /** The column of texts read as token ids, where the reading names one. */
  let tokens: TokenColumn | undefined;
  let size = 0;
  let features = new Float32Array(0);
  const labels: string[] = [];
  // Classes are collected only once a label is not a number: a regression column's million distinct values would cost more than the rest of the read.
  const classes = new Set<string>();
  let numeric = true;
  /** While every label is a whole number from 0 up, the largest (else -1). */
  let largestWhole = 0;
  /** Rows read before the first label that is not a number, whose labels are classes too. */
  let numericRows = 0;
  /** Gaps (empty, NA, ...) in a label column of numbers, and the first; the first empty label. */
  let missingLabels = 0;
  let missingLabel: { cell: string; line: number } | undefined;
  let emptyLabel: { cell: string; line: number } | undefined;
  const problem = eachCsvRecord(text, (fields, line) => {
    if (!header) {
      header = fields.map((h) => h.trim());
      labelColumn = label === undefined ? -1 : header.indexOf(label);
      if (label !== undefined && labelColumn < 0) return noColumn(header, label);
      byIndex = header.map(() => undefined);
      // Read like another table, it has that table's features: token ids where that one's are.
      const textColumn = reading.like ? reading.like.text?.column : reading.text;
      if (textColumn !== undefined) {
        const found = tokenColumn(header, reading, textColumn);
        if (!(found instanceof TokenColumn)) return found;
        tokens = found;
        return undefined;
      }
      const chosen = featureColumns(header, reading);
      if (!Array.isArray(chosen)) return chosen;
      columns = chosen;
      for (const c of columns) byIndex[c.index] = c;
      return undefined;
    }
    if (fields.length !== header.length) return { message: `has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${header.length}`, line };
    // Numbers are written as if every column held them; a text column, found at the end, has the features written again.
    const width = columns.length;
    if (keep && (size + 1) * width > features.length) {
      const grown = new Float32Array(Math.max(1024, features.length * 2, (size + 1) * width));
      grown.set(features);
      features = grown;
    }
    tokens?.read(fields[tokens.index], keep);
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j].trim();
      const v = Number(f);
      if (j === labelColumn) {
        if (keep) labels.push(f);
        if (f === '') emptyLabel ??= { cell: fields[j], line };
        if (numeric && GAPS.has(f)) {
          // A missing value to predict (a class column's markers are classes: 'None' may be one).
          missingLabels++;
          missingLabel ??= { cell: fields[j], line };
          continue;
        }
        if (numeric && (f === '' || !Number.isFinite(v))) {
          numeric = false;
          numericRows = size;
        }
        if (!numeric) classes.add(f);
        else if (largestWhole >= 0) largestWhole = Number.isInteger(v) && v >= 0 ? Math.max(largestWhole, v) : -1;
        continue;
      }
      const column = byIndex[j];
      if (!column) continue;
      if (f !== '' && Number.isFinite(v)) {
        column.numbers++;
        column.sum += v;
        if (Math.abs(v) > column.scale) column.scale = Math.abs(v);
        if (keep) features[size * width + column.slot] = v;
      } else if (GAPS.has(f)) {
        column.gaps++;
        column.firstGap ??= { cell: fields[j], line };
        if (keep) features[size * width + column.slot] = NaN;
      } else {
        column.texts++;
        column.firstOther ??= { cell: fields[j], line };
      }
    }
    size++;
    return undefined;
  });
  if (problem) return problem;
  if (!header || size === 0) return { message: 'needs a header row and at least one data row' };
  let gapped = false;
  for (const column of columns) {
    if (column.isText) continue;
    if (column.texts > 0) {
      const { cell, line } = column.firstOther!;
      return { message: `column '${column.name}' must be a number, got ${JSON.stringify(cell)}`, line, column: column.name };
    }
    if (column.gaps === 0) continue;
    if (!reading.gaps) {
      const { cell, line } = column.firstGap!;
      return { message: `column '${column.name}' has a gap (${JSON.stringify(cell)}), ${column.gaps} in all: gaps: mean fills them with the column's mean, or ignore: ["${column.name}"] leaves it out`, line, column: column.name, gap: true };
    }
    column.fill = reading.gaps === 'mean' && column.numbers > 0 ? column.sum / column.numbers : 0;
    gapped = true;
  }
  // A row without its label cannot be trained on: a value to predict left out (numbers), or an empty class.
  const unlabelled = numeric ? missingLabel : emptyLabel;
  if (unlabelled) {
    const count = numeric ? `, ${missingLabels} in all` : '';
    return { message: `the label is missing on this line (${JSON.stringify(unlabelled.cell)}${count}): a row without its label cannot be trained on; remove such rows`, line: unlabelled.line };
  }
  const like = reading.like;
  if (labelColumn >= 0 && like && !like.classes && !numeric) {
    const found = firstRowWhere(text, labelColumn, (f) => f === '' || !Number.isFinite(Number(f)));
    return { message: `label ${JSON.stringify(found.cell)} is a text, where the table trained on has numbers`, line: found.line };
  }
  if (labelColumn >= 0 && like?.classes) {
    const unknown = firstRowWhere(text, labelColumn, (f) => !like.classes!.includes(f));
    if (unknown.line) return { message: `label ${JSON.stringify(unknown.cell)} is no class of the table trained on (${like.classes.join(', ')})`, line: unknown.line };
  } else if (numericRows > 0) addLeadingLabels(text, labelColumn, numericRows, classes);
  const textColumns = columns.filter((c) => c.isText);
  const unread = textColumns.filter((c) => !c.like);
  if (unread.length > 0) addCategories(text, unread);
  const tokenEncoding = tokens?.encoding(reading);
  if (tokenEncoding && 'message' in tokenEncoding) return tokenEncoding;
  const featureNames = tokenEncoding
    ? Array.from({ length: tokenEncoding.length }, (_, i) => `${tokenEncoding.column} word ${i + 1}`)
    : columns.flatMap((c) => (c.isText ? c.categories.map((t) => `${c.name}=${t}`) : [c.name]));
  const scales = columns.map((c) => ({ column: c.name, scale: c.isText ? 1 : c.scale }));
  const labelClasses = like?.classes ? [...like.classes] : numeric ? undefined : [...classes].sort();
  const encoding: CsvEncoding = tokenEncoding
    ? { columns: [tokenEncoding.column], texts: {}, classes: labelClasses, text: tokenEncoding }
    : { columns: columns.map((c) => c.name), texts: Object.fromEntries(textColumns.map((c) => [c.name, c.categories])), classes: labelClasses };
  const textLengths = tokens?.lengths();
  const summary: CsvSummary = labelClasses
    ? { header, labelColumn, size, featureNames, scales, encoding, textLengths, classes: labelClasses }
    : { header, labelColumn, size, featureNames, scales, encoding, textLengths, classNumbers: largestWhole >= 0 ? largestWhole + 1 : undefined };
  if (!keep) return summary;
  if (tokens && tokenEncoding) return { ...summary, features: tokens.ids(tokenEncoding), labels };
  if (textColumns.length > 0) return { ...summary, features: encodedFeatures(text, columns, size, featureNames.length), labels };
  const numbers = features.subarray(0, size * columns.length);
  if (gapped) for (let i = 0; i < numbers.length; i++) if (Number.isNaN(numbers[i])) numbers[i] = columns[i % columns.length].fill;
  return { ...summary, features: numbers, labels };
}

/** The feature columns a reading takes of a header: those it names, in its order, or all but the label and those it ignores. */
function featureColumns(header: string[], reading: CsvReading): FeatureColumn[] | CsvProblem {
  const { label, ignore = [], like } = reading;
  // Read like another table, it has that table's features, in its order.
  const features = like?.columns ?? reading.features;
  if (reading.features && ignore.length) return { message: 'give the features or the columns to ignore, not both', line: 1 };
  const named = features ?? ignore;
  const unknown = named.find((name) => !header.includes(name) || name === label);
  if (unknown !== undefined) {
    const use = like ? 'read as the table trained on does' : features ? 'read as a feature' : 'ignore';
    return unknown === label ? { message: `cannot ${use} '${label}', the label column`, line: 1 } : noColumn(header, unknown, use);
  }
  const labelAt = label === undefined ? -1 : header.indexOf(label);
  const names = features ?? header.filter((name, j) => j !== labelAt && !ignore.includes(name));
  if (names.length === 0) return { message: 'has no feature columns: every column but the label is ignored', line: 1 };
  const columns = names.map((name, slot) => new FeatureColumn(header.indexOf(name), name, slot));
  for (const c of reading.like ? columns : []) {
    const texts = textsOf(reading.like!, c.name);
    c.like = texts ? 'texts' : 'numbers';
    if (texts) c.categories = texts;
  }
  return columns;
}

/**
 * A column of texts read as token ids (text.ts): its words counted over the rows, of which
 * the vocabulary is made, and its texts kept where the ids are wanted. A table read like
 * another takes that table's vocabulary and length, and counts nothing.
 */
class TokenColumn {
  private readonly counts = new WordCounts();
  private readonly texts: string[] = [];

  constructor(readonly index: number, readonly name: string, private readonly like: TokenEncoding | undefined) {}

  read(cell: string, keep: boolean): void {
    if (!this.like) this.counts.add(cell);
    if (keep) this.texts.push(cell);
  }

  /** How many words its texts have; none where it is read like another table (it counts nothing). */
  lengths(): TextLengths | undefined {
    return this.like ? undefined : this.counts.lengths();
  }

  encoding(reading: CsvReading): TokenEncoding | CsvProblem {
    if (this.like) return this.like;
    const length = reading.length ?? this.counts.lengths().longest;
    if (length === 0) return { message: `column '${this.name}' has no words to read as token ids: every text in it is empty` };
    return { column: this.name, length, vocabulary: this.counts.vocabulary(reading.vocabulary) };
  }

  /** Each text's ids, row by row. */
  ids(encoding: TokenEncoding): Float32Array {
    return tokenIds(this.texts, encoding);
  }
}

/** The column a reading reads as token ids (`text`), or why it cannot. */
function tokenColumn(header: string[], reading: CsvReading, name: string): TokenColumn | CsvProblem {
  if (reading.features && !reading.like) return { message: `give the column of texts (text: "${name}") or the features, not both: the texts' token ids are the features`, line: 1 };
  if (name === reading.label) return { message: `cannot read '${name}', the label column, as the texts`, line: 1 };
  const index = header.indexOf(name);
  if (index < 0) return noColumn(header, name, 'read as the texts');
  return new TokenColumn(index, name, reading.like?.text);
}

/** What a reading of the rows returns to stop there: no problem, only the end of the reading. */
const STOP: CsvProblem = { message: '' };

/** Each data row of a table read again (the header skipped), with its line and its place among the rows; `onRow` may return STOP. */
function eachDataRow(text: string, onRow: (fields: string[], line: number, row: number) => CsvProblem | void): void {
  let row = -1; // the header
  eachCsvRecord(text, (fields, line) => (row++ < 0 ? undefined : onRow(fields, line, row - 1)));
}

/** The first data row whose label `is`, and its line (0 where none is). */
function firstRowWhere(text: string, labelColumn: number, is: (label: string) => boolean): { cell: string; line: number } {
  let found = { cell: '', line: 0 };
  eachDataRow(text, (fields, line) => (is(fields[labelColumn].trim()) ? ((found = { cell: fields[labelColumn].trim(), line }), STOP) : undefined));
  return found;
}

/** The labels of the first `rows` data rows (a mixed column's numbers before its first text), read again. */
function addLeadingLabels(text: string, labelColumn: number, rows: number, classes: Set<string>): void {
  eachDataRow(text, (fields, _line, row) => {
    classes.add(fields[labelColumn].trim());
    return row + 1 >= rows ? STOP : undefined;
  });
}

/** Each text column's texts, sorted: a second reading, only of a table that has text columns. */
function addCategories(text: string, columns: FeatureColumn[]): void {
  const found = columns.map(() => new Set<string>());
  eachDataRow(text, (fields) => columns.forEach((c, i) => found[i].add(fields[c.index].trim())));
  columns.forEach((c, i) => (c.categories = [...found[i]].sort()));
}

/** The features of a table with text columns, each text one-hot where its column's values go. */
function encodedFeatures(text: string, columns: FeatureColumn[], size: number, width: number): Float32Array {
  const out = new Float32Array(size * width);
  const offsets: number[] = [];
  columns.reduce((at, c) => (offsets.push(at), at + c.width), 0);
  const indices = columns.map((c) => new Map(c.categories.map((t, i) => [t, i])));
  eachDataRow(text, (fields, _line, row) => columns.forEach((c, i) => {
    const f = fields[c.index].trim();
    if (!c.isText) out[row * width + offsets[i]] = GAPS.has(f) ? c.fill : Number(f);
    else if (indices[i].has(f)) out[row * width + offsets[i] + indices[i].get(f)!] = 1;
  }));
  return out;
}

export function isCsvProblem(x: CsvTable | CsvSummary | CsvRecord[] | CsvProblem): x is CsvProblem {
  return !Array.isArray(x) && 'message' in x;
}
