/**
 * CSV tables, read the same way by the checker (shapes and errors as you type) and by
 * the runtime (the data it trains on), so the two never disagree about a file: quoted
 * fields, doubled quotes, commas and newlines inside quotes (RFC 4180), and every
 * problem found with the line it is on.
 */

export interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts. */
  line: number;
}

/** A header row, numeric feature columns and one label column. */
export interface CsvTable {
  header: string[];
  labelColumn: number;
  size: number;
  /** Features row by row, the label column left out: size × (header.length - 1) values. */
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

/** A table's header, size and classes: what its shapes need (the checker reads only this). */
export type CsvSummary = Omit<CsvTable, 'features' | 'labels'>;

/** Reads and checks a whole table: every row as wide as the header, every feature a finite number. */
export function readCsvTable(text: string, label: string): CsvTable | CsvProblem {
  return walkTable(text, label, true) as CsvTable | CsvProblem;
}

/** Checks a whole table as `readCsvTable` does, keeping only its summary. */
export function summarizeCsvTable(text: string, label: string): CsvSummary | CsvProblem {
  return walkTable(text, label, false);
}

function walkTable(text: string, label: string, keep: boolean): CsvTable | CsvSummary | CsvProblem {
  let header: string[] | undefined;
  let labelColumn = -1;
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
  const problem = eachCsvRecord(text, (fields, line) => {
    if (!header) {
      header = fields.map((h) => h.trim());
      labelColumn = header.indexOf(label);
      if (labelColumn < 0) return { message: `has no column '${label}' (columns: ${header.join(', ')})`, line: 1 };
      return undefined;
    }
    if (fields.length !== header.length) return { message: `has ${fields.length} field${fields.length === 1 ? '' : 's'}, the header has ${header.length}`, line };
    const width = header.length - 1;
    if (keep && (size + 1) * width > features.length) {
      const grown = new Float32Array(Math.max(1024, features.length * 2, (size + 1) * width));
      grown.set(features);
      features = grown;
    }
    let k = 0;
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j].trim();
      if (j === labelColumn) {
        if (keep) labels.push(f);
        const v = Number(f);
        if (numeric && (f === '' || !Number.isFinite(v))) {
          numeric = false;
          numericRows = size;
        }
        if (!numeric) classes.add(f);
        else if (largestWhole >= 0) largestWhole = Number.isInteger(v) && v >= 0 ? Math.max(largestWhole, v) : -1;
        continue;
      }
      const v = Number(f);
      if (f === '' || !Number.isFinite(v)) return { message: `column '${header[j]}' must be a number, got ${JSON.stringify(fields[j])}`, line };
      if (keep) features[size * width + k++] = v;
    }
    size++;
    return undefined;
  });
  if (problem) return problem;
  if (!header || size === 0) return { message: 'needs a header row and at least one data row' };
  if (numericRows > 0) addLeadingLabels(text, labelColumn, numericRows, classes);
  const summary: CsvSummary = numeric
    ? { header, labelColumn, size, classNumbers: largestWhole >= 0 ? largestWhole + 1 : undefined }
    : { header, labelColumn, size, classes: [...classes].sort() };
  return keep ? { ...summary, features: features.subarray(0, size * (header.length - 1)), labels } : summary;
}

/** The labels of the first `rows` data rows (a mixed column's numbers before its first text), read again. */
function addLeadingLabels(text: string, labelColumn: number, rows: number, classes: Set<string>): void {
  let row = -1; // the header
  const enough = { message: '' };
  eachCsvRecord(text, (fields) => {
    if (row >= 0) classes.add(fields[labelColumn].trim());
    return ++row >= rows ? enough : undefined;
  });
}

export function isCsvProblem(x: CsvTable | CsvSummary | CsvRecord[] | CsvProblem): x is CsvProblem {
  return !Array.isArray(x) && 'message' in x;
}
