/** File sources: CSV with a header (a real parser, typed columns, errors with line numbers) and IDX (MNIST format). */
import { readFileSync } from 'node:fs';
import type { Data } from './dataset';

export class DataError extends Error {
  constructor(message: string, readonly file?: string, readonly line?: number) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message);
  }
}

/** RFC 4180 records: quoted fields, doubled quotes, commas and newlines inside quotes. Each record keeps its line. */
export function parseCsv(text: string, file: string): { fields: string[]; line: number }[] {
  const records: { fields: string[]; line: number }[] = [];
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
  if (quoted) throw new DataError('a quoted field is never closed', file, recordLine);
  if (field !== '' || fields.length) {
    fields.push(field);
    records.push({ fields, line: recordLine });
  }
  return records;
}

export function loadCsv(path: string, shownAs: string, label: string): Data {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new DataError(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, shownAs);
  }
  const records = parseCsv(text, shownAs);
  if (records.length < 2) throw new DataError('needs a header row and at least one data row', shownAs);
  const header = records[0].fields.map((h) => h.trim());
  const col = header.indexOf(label);
  if (col < 0) throw new DataError(`has no column '${label}' (columns: ${header.join(', ')})`, shownAs, 1);
  const rows = records.slice(1);
  for (const r of rows) {
    if (r.fields.length !== header.length) throw new DataError(`has ${r.fields.length} fields, the header has ${header.length}`, shownAs, r.line);
  }
  const labelValues = rows.map((r) => r.fields[col].trim());
  const numericLabels = labelValues.every((v) => v !== '' && Number.isFinite(Number(v)));
  const classes = numericLabels ? undefined : [...new Set(labelValues)].sort();
  const width = header.length - 1;
  const x = new Float32Array(rows.length * width);
  const y = new Float32Array(rows.length * (classes ? classes.length : 1));
  rows.forEach((r, i) => {
    let k = 0;
    r.fields.forEach((f, j) => {
      if (j === col) return;
      const v = Number(f.trim());
      if (f.trim() === '' || !Number.isFinite(v)) throw new DataError(`column '${header[j]}' must be a number, got ${JSON.stringify(f)}`, shownAs, r.line);
      x[i * width + k++] = v;
    });
    if (classes) y[i * classes.length + classes.indexOf(labelValues[i])] = 1;
    else y[i] = Number(labelValues[i]);
  });
  return { size: rows.length, features: [{ data: x, shape: [width] }], labels: { data: y, shape: [classes ? classes.length : 1] }, classes };
}

function readIdx(path: string, shownAs: string): { dims: number[]; data: Uint8Array } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new DataError(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, shownAs);
  }
  if (bytes.length < 4 || bytes[0] !== 0 || bytes[1] !== 0 || bytes[2] !== 0x08) throw new DataError('is not an IDX file of unsigned bytes (magic 0x0000 08 nn)', shownAs);
  const rank = bytes[3];
  const dims = Array.from({ length: rank }, (_, i) => bytes.readUInt32BE(4 + 4 * i));
  const expected = dims.reduce((a, b) => a * b, 1);
  const data = bytes.subarray(4 + 4 * rank);
  if (data.length < expected) throw new DataError(`is truncated: the header promises ${expected} values, the file has ${data.length}`, shownAs);
  return { dims, data };
}

export function loadIdx(images: string, imagesShown: string, labels: string, labelsShown: string, classes: number): Data {
  const img = readIdx(images, imagesShown);
  const lab = readIdx(labels, labelsShown);
  if (img.dims.length !== 3) throw new DataError(`holds rank-${img.dims.length} data; images are rank 3 [count, height, width]`, imagesShown);
  if (lab.dims[0] !== img.dims[0]) throw new DataError(`has ${lab.dims[0]} labels for ${img.dims[0]} images`, labelsShown);
  const [count, h, w] = img.dims;
  const x = new Float32Array(count * h * w);
  for (let i = 0; i < x.length; i++) x[i] = img.data[i] / 255;
  const y = new Float32Array(count * classes);
  for (let i = 0; i < count; i++) {
    if (lab.data[i] >= classes) throw new DataError(`label ${lab.data[i]} of example ${i} is not below classes: ${classes}`, labelsShown);
    y[i * classes + lab.data[i]] = 1;
  }
  return { size: count, features: [{ data: x, shape: [h, w, 1] }], labels: { data: y, shape: [classes] } };
}
