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
}

export interface CsvProblem {
  message: string;
  /** 1-based line of the record at fault, where there is one. */
  line?: number;
}

/** RFC 4180 records. Blank lines are skipped. */
export function parseCsv(text: string): CsvRecord[] | CsvProblem {
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let fieldStarted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else quoted = false;
      } else {
        if (c === '\n') line++;
        field += c;
      }
    } else if (c === '"' && !fieldStarted) {
      quoted = true;
      fieldStarted = true;
    } else if (c === ',') {
      fields.push(field);
      field = '';
      fieldStarted = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      if (fields.length > 1 || fields[0].trim() !== '') records.push({ fields, line: recordLine });
      fields = [];
      field = '';
      fieldStarted = false;
      line++;
      recordLine = line;
    } else {
      field += c;
      if (c !== ' ' && c !== '\t') fieldStarted = true;
    }
  }
  if (quoted) return { message: 'a quoted field is never closed', line: recordLine };
  if (field !== '' || fields.length) {
    fields.push(field);
    records.push({ fields, line: recordLine });
  }
  return records;
}

/** Reads and checks a whole table: every row as wide as the header, every feature a finite number. */
export function readCsvTable(text: string, label: string): CsvTable | CsvProblem {
  const records = parseCsv(text);
  if (!Array.isArray(records)) return records;
  if (records.length < 2) return { message: 'needs a header row and at least one data row' };
  const header = records[0].fields.map((h) => h.trim());
  const labelColumn = header.indexOf(label);
  if (labelColumn < 0) return { message: `has no column '${label}' (columns: ${header.join(', ')})`, line: 1 };
  const rows = records.slice(1);
  const width = header.length - 1;
  const features = new Float32Array(rows.length * width);
  const labels: string[] = [];
  for (let i = 0; i < rows.length; i++) {
    const { fields, line } = rows[i];
    if (fields.length !== header.length) return { message: `has ${fields.length} fields, the header has ${header.length}`, line };
    let k = 0;
    for (let j = 0; j < fields.length; j++) {
      const f = fields[j].trim();
      if (j === labelColumn) {
        labels.push(f);
        continue;
      }
      const v = Number(f);
      if (f === '' || !Number.isFinite(v)) return { message: `column '${header[j]}' must be a number, got ${JSON.stringify(fields[j])}`, line };
      features[i * width + k++] = v;
    }
  }
  const numeric = labels.every((v) => v !== '' && Number.isFinite(Number(v)));
  return { header, labelColumn, size: rows.length, features, labels, classes: numeric ? undefined : [...new Set(labels)].sort() };
}

export function isCsvProblem(x: CsvTable | CsvRecord[] | CsvProblem): x is CsvProblem {
  return !Array.isArray(x) && 'message' in x;
}
