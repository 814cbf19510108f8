/** File sources: CSV with a header (read by the dsl's table reader, which the checker shares) and IDX (MNIST format). */
import { isCsvProblem, readCsvTable, type CsvReading, type CsvTable, type FileHost } from '../../dsl';
import { fileStamp, readDataFile, resolveDataPath } from '../files';
import type { Data } from './dataset';

export class DataError extends Error {
  constructor(message: string, readonly file?: string, readonly line?: number) {
    super(file ? `${file}${line ? `:${line}` : ''}: ${message}` : message);
  }
}

/**
 * Tables the check read whole (see `keepingTables`), by file and reading, with the file's
 * stamp then. Each is taken by the one load it was kept for, and so not held after it.
 */
const keptTables = new Map<string, { stamp: string | undefined; table: CsvTable }>();

/**
 * The host, with the check's CSV tables kept for `loadCsv` (see `FileHost.keepTable`): a
 * run that checks its file and then loads the data reads each table once, not twice.
 */
export function keepingTables(host: FileHost, dlnetFile: string): FileHost {
  return {
    ...host,
    keepTable(path, reading, table) {
      const full = resolveDataPath(dlnetFile, path);
      if (!(full instanceof Error)) keptTables.set(tableKey(full, reading), { stamp: fileStamp(full), table });
    },
  };
}

const tableKey = (path: string, reading: CsvReading) => `${path}\0${JSON.stringify(reading)}`;

export function loadCsv(path: string, shownAs: string, reading: CsvReading): Data {
  const key = tableKey(path, reading);
  const kept = keptTables.get(key);
  keptTables.delete(key);
  // A kept table holds while the file is as it was when the check read it.
  const table = kept && kept.stamp !== undefined && kept.stamp === fileStamp(path) ? kept.table : readTable(path, shownAs, reading);
  const { size, features, classes } = table;
  const y = new Float32Array(size * (classes ? classes.length : 1));
  table.labels.forEach((value, i) => {
    if (classes) y[i * classes.length + classes.indexOf(value)] = 1;
    else y[i] = Number(value);
  });
  return { size, features: [{ data: features, shape: [table.featureNames.length] }], labels: { data: y, shape: [classes ? classes.length : 1] }, classes, words: table.encoding.text?.vocabulary };
}

function readTable(path: string, shownAs: string, reading: CsvReading): CsvTable {
  let text: string;
  try {
    text = readDataFile(path).toString('utf8');
  } catch (e) {
    throw new DataError(`cannot read the file (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`, shownAs);
  }
  const table = readCsvTable(text, reading);
  if (isCsvProblem(table)) throw new DataError(table.message, shownAs, table.line);
  return table;
}

function readIdx(path: string, shownAs: string): { dims: number[]; data: Uint8Array } {
  let bytes: Buffer;
  try {
    bytes = readDataFile(path);
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
