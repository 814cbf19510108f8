/** Data sources: shapes, seeding, CSV and IDX parsing with clear errors, and workspace-bound paths. */
import { mkdtempSync, mkdirSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { analyze, isCsvProblem, parseCsv, readCsvTable, summarizeCsvTable, type CsvSummary, type FileHost } from '../../dsl';
import { loadData } from '../../runtime/data';
import { exampleLength } from '../../runtime/data/dataset';
import { DataError, keepingTables, loadCsv, loadIdx } from '../../runtime/data/files';
import { fileHost, resolveDataPath } from '../../runtime/files';

const dir = mkdtempSync(join(tmpdir(), 'dlnet-data-'));
writeFileSync(join(dir, 'package.json'), '{}');
const dlnet = join(dir, 'm.dlnet');

function load(source: string) {
  const a = analyze(`dataset d = ${source}`);
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return { data: loadData(a.datasets.get('d')!, dlnet), declared: a.datasets.get('d')!.shapes! };
}

describe('generated sources', () => {
  for (const source of ['rings(samples: 50)', 'spirals(samples: 60, arms: 3)', 'xor()', 'moons(samples: 40)', 'blobs(samples: 30, centers: 4, dims: 3)', 'ring2d(samples: 20)', 'shapes(samples: 12, size: 16)', 'shapes(samples: 6, size: 32, regions: 4)', 'sine(samples: 10, length: 7)', 'adding(samples: 10, length: 9)', 'mnist(samples: 50)', 'mnist(samples: 20, flat: true)', 'iris()']) {
    it(`${source} gives the shapes it declares`, () => {
      const { data, declared } = load(source);
      const features = Array.isArray(declared.features) && typeof declared.features[0] !== 'object' ? [declared.features] : (declared.features as { shape: unknown[] }[]).map((f) => f.shape);
      expect(data.features.map((f) => f.shape)).toEqual(features);
      expect(data.labels?.shape).toEqual(declared.labels);
      for (const f of data.features) expect(f.data.length).toBe(data.size * exampleLength(f));
      if (declared.size !== undefined) expect(data.size).toBe(declared.size);
      expect(data.features.every((f) => f.data.every(Number.isFinite))).toBe(true);
    });
  }

  it('is reproducible for a seed and differs across seeds', () => {
    const a = load('rings(samples: 20, seed: 3)').data.features[0].data;
    const b = load('rings(samples: 20, seed: 3)').data.features[0].data;
    const c = load('rings(samples: 20, seed: 4)').data.features[0].data;
    expect(Array.from(a)).toEqual(Array.from(b));
    expect(Array.from(a)).not.toEqual(Array.from(c));
  });

  it('makes rings that a radius separates', () => {
    const { data } = load('rings(samples: 200, noise: 0.02)');
    for (let i = 0; i < data.size; i++) {
      const r = Math.hypot(data.features[0].data[2 * i], data.features[0].data[2 * i + 1]);
      expect(r < 0.75).toBe(data.labels!.data[i] === 1);
    }
  });

  it('gives real MNIST digits in [0, 1] with one-hot labels', () => {
    const { data } = load('mnist(samples: 100)');
    const x = data.features[0].data;
    expect(Math.max(...x)).toBeLessThanOrEqual(1);
    expect(x.filter((v) => v > 0.5).length / data.size).toBeGreaterThan(50); // strokes, not noise
    for (let i = 0; i < data.size; i++) expect(data.labels!.data.subarray(i * 10, i * 10 + 10).reduce((a, b) => a + b)).toBe(1);
  });
});

describe('csv', () => {
  it('parses quotes, doubled quotes, commas inside quotes and CRLF', () => {
    const rows = parseCsv('a,b,"c, d"\r\n1,"say ""hi""",3\r\n');
    if (!Array.isArray(rows)) throw new Error(rows.message);
    expect(rows.map((r) => r.fields)).toEqual([['a', 'b', 'c, d'], ['1', 'say "hi"', '3']]);
    expect(rows[1].line).toBe(2);
  });

  it('reads back any table written the RFC 4180 way: fields with commas, quotes, spaces and line breaks, records at their lines', () => {
    const field = fc.array(fc.constantFrom('a', '1', ' ', '\t', ',', '"', '\n', '\r\n', '-'), { maxLength: 6 }).map((cs) => cs.join(''));
    // A record of one blank field is a blank line, which readers skip.
    const record = fc.array(field, { minLength: 1, maxLength: 5 }).filter((r) => r.length > 1 || r[0].trim() !== '');
    fc.assert(
      fc.property(fc.array(record, { maxLength: 6 }), fc.constantFrom('\n', '\r\n', '\r'), fc.boolean(), (records, lineBreak, finalBreak) => {
        const quote = (f: string) => (/[",\r\n]/.test(f) || /^[ \t]*"/.test(f) ? `"${f.replace(/"/g, '""')}"` : f);
        const lines = records.map((r) => r.map(quote).join(','));
        const text = lines.join(lineBreak) + (finalBreak && lines.length ? lineBreak : '');
        const parsed = parseCsv(text);
        if (!Array.isArray(parsed)) throw new Error(parsed.message);
        expect(parsed.map((r) => r.fields)).toEqual(records);
        // Each record starts one line after the previous one ends (line breaks inside quotes count once each).
        let line = 1;
        expect(parsed.map((r, i) => {
          const at = line;
          line += 1 + (records[i].join('').match(/\n/g)?.length ?? 0);
          return r.line === at;
        })).toEqual(records.map(() => true));
      }),
      { numRuns: 2000 },
    );
  });

  it('reports a quoted field that is never closed, at the line its record starts', () => {
    writeFileSync(join(dir, 'open.csv'), 'x,kind\n1,cat\n2,"dog\n3,cat\n');
    expect(() => loadCsv(join(dir, 'open.csv'), 'open.csv', { label: 'kind', ignore: [] })).toThrow('open.csv:3: a quoted field is never closed');
  });

  it('types columns and one-hot encodes text labels', () => {
    writeFileSync(join(dir, 'ok.csv'), 'x,y,kind\n1,2,cat\n3,4,dog\n5,6,cat\n');
    const d = loadCsv(join(dir, 'ok.csv'), 'ok.csv', { label: 'kind', ignore: [] });
    expect(d.classes).toEqual(['cat', 'dog']);
    expect(Array.from(d.features[0].data)).toEqual([1, 2, 3, 4, 5, 6]);
    expect(Array.from(d.labels!.data)).toEqual([1, 0, 0, 1, 1, 0]);
  });

  it('takes every label as a class once one is not a number, those before it included, and none for numeric labels', () => {
    const mixed = 'x,kind\n1,2\n2,1\n3,cat\n4,2\n5,"10"\n6,dog\n';
    for (const read of [readCsvTable, summarizeCsvTable]) {
      expect((read(mixed, { label: 'kind' }) as CsvSummary).classes).toEqual(['1', '10', '2', 'cat', 'dog']);
      expect((read('x,y\n1,0.5\n2,1e3\n', { label: 'y' }) as CsvSummary).classes).toBeUndefined();
      expect((read('x,kind\n1,cat\n2,3\n', { label: 'kind' }) as CsvSummary).classes).toEqual(['3', 'cat']);
    }
  });

  it('counts the classes a column of whole numbers from 0 up can number, and none for other numbers', () => {
    for (const read of [readCsvTable, summarizeCsvTable]) {
      const classNumbers = (labels: string) => (read(`x,y\n${labels.split(' ').map((l, i) => `${i},${l}`).join('\n')}\n`, { label: 'y' }) as CsvSummary).classNumbers;
      expect(classNumbers('0 1 1 0')).toBe(2);
      expect(classNumbers('2 0 1.0 2')).toBe(3);
      expect(classNumbers('4')).toBe(5);
      expect(classNumbers('0 1.5 1')).toBeUndefined();
      expect(classNumbers('0 -1 1')).toBeUndefined();
      expect((read('x,kind\n1,2\n2,cat\n', { label: 'kind' }) as CsvSummary).classNumbers).toBeUndefined();
    }
  });

  it('reads a column of texts as one feature a text, one-hot, and leaves out the columns ignored', () => {
    const table = 'id,age,sex,port,survived\n1,22,male,S,0\n2,38,female,C,1\n3,26,female,,1\n4,35,male,S,0\n';
    const read = readCsvTable(table, { label: 'survived', ignore: ['id'] });
    if (isCsvProblem(read)) throw new Error(read.message);
    expect(read.featureNames).toEqual(['age', 'sex=female', 'sex=male', 'port=', 'port=C', 'port=S']);
    expect(Array.from(read.features)).toEqual([22, 0, 1, 0, 0, 1, 38, 1, 0, 0, 1, 0, 26, 1, 0, 1, 0, 0, 35, 0, 1, 0, 0, 1]);
    expect((summarizeCsvTable(table, { label: 'survived', ignore: ['id'] }) as CsvSummary).featureNames).toEqual(read.featureNames);
    // A stray text in a column of numbers is an error with its line, not a column of texts.
    expect(readCsvTable('a,b,y\n1,2,0\n3,oops,1\n4,5,0\n', { label: 'y' })).toEqual({ message: 'column \'b\' must be a number, got "oops"', line: 3, column: 'b' });
    expect(readCsvTable('a,b,y\n1,2,0\n3,oops,1\n4,5,0\n', { label: 'y', ignore: ['b'] })).toMatchObject({ featureNames: ['a'] });
    expect(readCsvTable('a,y\n1,0\n', { label: 'y', ignore: ['z'] })).toEqual({ message: "has no column 'z' to ignore (columns: a, y)", line: 1 });
    expect(readCsvTable('a,y\n1,0\n', { label: 'y', ignore: ['y'] })).toEqual({ message: "cannot ignore 'y', the label column", line: 1 });
    expect(readCsvTable('a,y\n1,0\n', { label: 'y', ignore: ['a'] })).toEqual({ message: 'has no feature columns: every column but the label is ignored', line: 1 });
  });

  it('reads a table like another: its features, in its order, one-hot by its texts (one it never had all zeros), its label classes', () => {
    const trained = readCsvTable('age,port,kind\n22,S,cat\n38,C,dog\n26,Q,cat\n', { label: 'kind' });
    if (isCsvProblem(trained)) throw new Error(trained.message);
    expect(trained.encoding).toEqual({ columns: ['age', 'port'], texts: { port: ['C', 'Q', 'S'] }, classes: ['cat', 'dog'] });
    // Its columns in another order, a port X the table trained on never had, and only one class.
    const like = readCsvTable('port,kind,age,id\nX,dog,40,1\nS,dog,30,2\n', { label: 'kind', like: trained.encoding });
    if (isCsvProblem(like)) throw new Error(like.message);
    expect(like.featureNames).toEqual(trained.featureNames);
    expect(Array.from(like.features)).toEqual([40, 0, 0, 0, 30, 0, 0, 1]);
    expect(like.classes).toEqual(['cat', 'dog']);
    expect(readCsvTable('age,port,kind\n1,S,cat\n2,S,bird\n', { label: 'kind', like: trained.encoding })).toEqual({ message: 'label "bird" is no class of the table trained on (cat, dog)', line: 3 });
    expect(readCsvTable('age,kind\n1,cat\n', { label: 'kind', like: trained.encoding })).toEqual({ message: "has no column 'port' to read as the table trained on does (columns: age, kind)", line: 1 });
    const numbers = readCsvTable('a,y\n1,0.5\n', { label: 'y' });
    if (isCsvProblem(numbers)) throw new Error(numbers.message);
    expect(readCsvTable('a,y\n1,0.5\n2,high\n', { label: 'y', like: numbers.encoding })).toEqual({ message: 'label "high" is a text, where the table trained on has numbers', line: 3 });
  });

  it('refuses a row without its label, at its line: a value to predict left out, or an empty class', () => {
    expect(readCsvTable('a,price\n1,210.5\n2,\n3,NA\n4,380\n', { label: 'price' })).toEqual({ message: 'the label is missing on this line ("", 2 in all): a row without its label cannot be trained on; remove such rows', line: 3 });
    expect(readCsvTable('a,kind\n1,cat\n2,dog\n3,\n', { label: 'kind' })).toEqual({ message: 'the label is missing on this line (""): a row without its label cannot be trained on; remove such rows', line: 4 });
    // A class column's own texts stand, markers of gaps included ('None' may be a class).
    expect(readCsvTable('a,severity\n1,None\n2,High\n3,Low\n', { label: 'severity' })).toMatchObject({ classes: ['High', 'Low', 'None'] });
  });

  it('reads the columns named as features, in their order, and no other', () => {
    const table = 'id,age,sex,fare,survived\n1,22,male,7.25,0\n2,38,female,71.3,1\n';
    const read = readCsvTable(table, { label: 'survived', features: ['sex', 'fare'] });
    if (isCsvProblem(read)) throw new Error(read.message);
    expect(read.featureNames).toEqual(['sex=female', 'sex=male', 'fare']);
    expect(Array.from(read.features)).toEqual([0, 1, 7.25, 1, 0, 71.3].map(Math.fround));
    expect(readCsvTable(table, { label: 'survived', features: ['fare', 'age'] })).toMatchObject({ featureNames: ['fare', 'age'], features: new Float32Array([7.25, 22, 71.3, 38]) });
    expect(readCsvTable(table, { label: 'survived', features: ['sex', 'Fare'] })).toEqual({ message: "has no column 'Fare' to read as a feature; did you mean 'fare'? (columns: id, age, sex, fare, survived)", line: 1, misspelt: { written: 'Fare', meant: 'fare' } });
    expect(readCsvTable(table, { label: 'survived', features: ['survived'] })).toEqual({ message: "cannot read as a feature 'survived', the label column", line: 1 });
    expect(readCsvTable(table, { label: 'survived', features: ['sex'], ignore: ['id'] })).toEqual({ message: 'give the features or the columns to ignore, not both', line: 1 });
  });

  it('fills the gaps of a column of numbers (empty, NA, NaN, ?) with its mean or 0 where asked, and else says where the first is', () => {
    const table = 'a,b,port,y\n1,2,S,0\n3,,C,1\n5,NA,,0\n7,?,S,1\n';
    expect(readCsvTable(table, { label: 'y' })).toEqual({
      message: 'column \'b\' has a gap (""), 3 in all: gaps: mean fills them with the column\'s mean, or ignore: ["b"] leaves it out', line: 3, column: 'b', gap: true,
    });
    for (const [gaps, fill] of [['mean', 2], ['zero', 0]] as const) {
      const read = readCsvTable(table, { label: 'y', gaps });
      if (isCsvProblem(read)) throw new Error(read.message);
      // The gap in the column of texts is a text of its own.
      expect(read.featureNames).toEqual(['a', 'b', 'port=', 'port=C', 'port=S']);
      expect(Array.from(read.features)).toEqual([1, 2, 0, 0, 1, 3, fill, 0, 1, 0, 5, fill, 1, 0, 0, 7, fill, 0, 0, 1]);
      const numbers = readCsvTable('a,b,y\n1,4,0\n3,,1\n', { label: 'y', gaps });
      expect(isCsvProblem(numbers) ? numbers.message : Array.from(numbers.features)).toEqual([1, 4, 3, gaps === 'mean' ? 4 : 0]);
    }
  });

  it('reads any small table without throwing: a problem, or as many features a row as it names', () => {
    const cell = fc.constantFrom('1', '2.5', '-3', '', 'NA', '?', 'cat', 'dog', '"a, b"', '0', 'x1');
    const table = fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 6 })).chain(([width, rows]) =>
      fc.tuple(fc.constant(width), fc.array(fc.array(cell, { minLength: width, maxLength: width + (rows % 2) }), { minLength: rows, maxLength: rows }), fc.subarray(['c0', 'c1', 'c2'])));
    fc.assert(fc.property(table, fc.constantFrom<('mean' | 'zero' | undefined)[]>(undefined, 'mean', 'zero'), ([width, rows, ignore], gaps) => {
      const header = Array.from({ length: width }, (_, i) => `c${i}`).concat('y');
      const text = [header.join(','), ...rows.map((r) => [...r, '1'].join(','))].join('\n');
      const read = readCsvTable(text, { label: 'y', ignore: ignore.filter((c) => header.includes(c)), gaps });
      if (isCsvProblem(read)) return;
      expect(read.features.length).toBe(read.size * read.featureNames.length);
      expect(read.features.every((v) => Number.isFinite(v))).toBe(true);
    }), { numRuns: 300 });
  });

  it('reports a bad row with its line number', () => {
    writeFileSync(join(dir, 'bad.csv'), 'x,y,kind\n1,2,cat\n3,oops,dog\n');
    expect(() => loadCsv(join(dir, 'bad.csv'), 'bad.csv', { label: 'kind', ignore: [] })).toThrow("bad.csv:3: column 'y' must be a number, got \"oops\"");
    writeFileSync(join(dir, 'short.csv'), 'x,y,kind\n1,2\n');
    expect(() => loadCsv(join(dir, 'short.csv'), 'short.csv', { label: 'kind', ignore: [] })).toThrow('short.csv:2: has 2 fields, the header has 3');
    writeFileSync(join(dir, 'shorter.csv'), 'x,y,kind\n1,2,cat\n3\n');
    expect(() => loadCsv(join(dir, 'shorter.csv'), 'shorter.csv', { label: 'kind', ignore: [] })).toThrow('shorter.csv:3: has 1 field, the header has 3');
    expect(() => loadCsv(join(dir, 'ok.csv'), 'ok.csv', { label: 'label', ignore: [] })).toThrow("has no column 'label'");
    expect(() => loadCsv(join(dir, 'none.csv'), 'none.csv', { label: 'label', ignore: [] })).toThrow(/none.csv: cannot read the file \(ENOENT\)/);
  });
  it('is checked once per version of the file: the server checks on every keystroke', () => {
    writeFileSync(join(dir, 'versions.csv'), 'a,b,kind\n1,2,x\n3,4,y\n');
    const files = fileHost(dlnet);
    let reads = 0;
    const host: FileHost = { readFile: (p) => (reads++, files.readFile(p)), stamp: (p) => files.stamp!(p) };
    const labels = () => analyze('dataset d = csv("versions.csv", label: "kind")', { host }).datasets.get('d')!.shapes?.labels;
    expect(labels()).toEqual([2]);
    expect(labels()).toEqual([2]);
    expect(reads).toBe(1);
    writeFileSync(join(dir, 'versions.csv'), 'a,b,kind\n1,2,x\n3,4,y\n5,6,z\n');
    expect(labels()).toEqual([3]);
    expect(reads).toBe(2);
    // Another label column of the same file is another reading of it (here `kind`, texts, is three features one-hot), and so is another column ignored.
    const features = (source: string) => analyze(`dataset d = ${source}`, { host }).datasets.get('d')!.shapes?.features;
    expect(features('csv("versions.csv", label: "b")')).toEqual([4]);
    expect(reads).toBe(3);
    expect(features('csv("versions.csv", label: "b", ignore: ["kind"])')).toEqual([1]);
    expect(reads).toBe(4);
  });

  it('is read once by a run: the loader takes the table its check read, while the file stays the same', () => {
    const csv = join(dir, 'once.csv');
    const written = (text: string) => {
      writeFileSync(csv, text);
      utimesSync(csv, 1_700_000_000, 1_700_000_000);
    };
    const checked = () => analyze('dataset d = csv("once.csv", label: "kind")', { host: keepingTables(fileHost(dlnet), dlnet) }).datasets.get('d')!;
    const loaded = (info: ReturnType<typeof checked>) => Array.from(loadData(info, dlnet).features[0].data);
    written('x,kind\n1,a\n2,b\n');
    const info = checked();
    // Other numbers, the same size and time: only the kept table still says 1 and 2.
    written('x,kind\n3,a\n4,b\n');
    expect(loaded(info)).toEqual([1, 2]);
    // That load took it: the next one reads the file.
    expect(loaded(info)).toEqual([3, 4]);
    // A file that changed after its check is read again.
    written('x,kind\n5,a\n6,b\n7,a\n');
    const later = checked();
    written('x,kind\n8,a\n9,b\n');
    expect(loaded(later)).toEqual([8, 9]);
  });
});

describe('a table read for its features alone', () => {
  it('reads the columns of the table it is read like, in that order, with no label (what a model is asked about)', () => {
    const read = readCsvTable('port,age,extra\nS,30,x\nQ,40,y\n', { like: { columns: ['age', 'port'], texts: { port: ['C', 'S'] } } });
    if (isCsvProblem(read)) throw new Error(read.message);
    // Q is no text of the table trained on: all zeros.
    expect(Array.from(read.features)).toEqual([30, 0, 1, 40, 0, 0]);
    expect(read.classes).toBeUndefined();
  });
});

describe('texts as token ids', () => {
  const table = [
    'review,stars',
    '"A great film, GREAT acting!",good',
    'Not great. The plot was dull,bad',
    '"Don\'t miss it",good',
    ',bad',
  ].join('\n');
  const ids = (read: ReturnType<typeof readCsvTable>) => (isCsvProblem(read) ? read : Array.from(read.features));

  it("reads words as Keras's TextVectorization does: lower case, punctuation out, the most frequent first", () => {
    const read = readCsvTable(table, { label: 'stars', text: 'review' });
    if (isCsvProblem(read)) throw new Error(read.message);
    // 0 pads, 1 is a word outside the vocabulary; great (3 times) first, then the words seen once, alphabetically.
    expect(read.encoding.text).toEqual({ column: 'review', length: 6, vocabulary: ['', '[UNK]', 'great', 'a', 'acting', 'dont', 'dull', 'film', 'it', 'miss', 'not', 'plot', 'the', 'was'] });
    expect(read.featureNames).toHaveLength(6);
    // 0, 3, 5 and 6 words: what `length` may be chosen by (hover shows it).
    expect(read.textLengths).toEqual({ median: 3, p95: 6, longest: 6 });
    // Padded before the words (as pad_sequences does), an empty text all padding.
    expect(ids(read)).toEqual([0, 3, 2, 7, 2, 4, /**/ 10, 2, 12, 11, 13, 6, /**/ 0, 0, 0, 5, 9, 8, /**/ 0, 0, 0, 0, 0, 0]);
    expect(read.classes).toEqual(['bad', 'good']);
  });

  it('keeps the last words of a longer text and the most frequent words of a larger vocabulary', () => {
    const read = readCsvTable(table, { label: 'stars', text: 'review', length: 3, vocabulary: 4 });
    // '', [UNK], great, a: every other word is 1.
    expect(ids(read)).toEqual([1, 2, 1, /**/ 1, 1, 1, /**/ 1, 1, 1, /**/ 0, 0, 0]);
  });

  it('reads a validation table with the vocabulary and length of the table trained on', () => {
    const trained = readCsvTable(table, { label: 'stars', text: 'review' });
    if (isCsvProblem(trained)) throw new Error(trained.message);
    const later = 'review,stars\nA dull dull film; a masterpiece,bad\n';
    // Its own arguments say nothing: it is read as the table trained on was.
    const read = readCsvTable(later, { label: 'stars', text: 'other', length: 2, like: trained.encoding });
    expect(ids(read)).toEqual([3, 6, 6, 7, 3, 1]);
  });

  it('loads the ids as the features of a run, their shape [length]', () => {
    writeFileSync(join(dir, 'reviews.csv'), table);
    const a = analyze('dataset d = csv("reviews.csv", label: "stars", text: "review", length: 4)', { host: fileHost(dlnet) });
    const data = loadData(a.datasets.get('d')!, dlnet);
    expect(data.features[0].shape).toEqual([4]);
    expect(Array.from(data.features[0].data.subarray(0, 4))).toEqual([2, 7, 2, 4]);
    expect(a.datasets.get('d')!.shapes!.features).toEqual([4]);
  });
});


describe('idx', () => {
  /** An IDX image file's bytes: two 2x2 images, their pixels zero. */
  const twoImages = () => {
    const images = Buffer.alloc(16 + 2 * 4);
    images.writeUInt32BE(0x00000803, 0);
    images.writeUInt32BE(2, 4);
    images.writeUInt32BE(2, 8);
    images.writeUInt32BE(2, 12);
    return images;
  };

  it('reads images and labels in the MNIST file format', () => {
    const images = twoImages();
    images.set([0, 255, 255, 0, 51, 51, 51, 51], 16);
    const labels = Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 3, 7]);
    writeFileSync(join(dir, 'img.idx'), images);
    writeFileSync(join(dir, 'lab.idx'), labels);
    const d = loadIdx(join(dir, 'img.idx'), 'img.idx', join(dir, 'lab.idx'), 'lab.idx', 10);
    expect(d.features[0].shape).toEqual([2, 2, 1]);
    expect(Array.from(d.features[0].data, (v) => Math.round(v * 100) / 100)).toEqual([0, 1, 1, 0, 0.2, 0.2, 0.2, 0.2]);
    expect(d.labels!.data[3]).toBe(1);
    expect(d.labels!.data[17]).toBe(1);
    writeFileSync(join(dir, 'junk.idx'), 'not idx');
    expect(() => loadIdx(join(dir, 'junk.idx'), 'junk.idx', join(dir, 'lab.idx'), 'lab.idx', 10)).toThrow(DataError);
  });

  it('is checked against its label file: there, as many labels as images, each a class', () => {
    writeFileSync(join(dir, 'check-images.idx'), twoImages());
    const errors = (labels: Buffer | undefined, classes = 10) => {
      if (labels) writeFileSync(join(dir, 'check-labels.idx'), labels);
      const text = `dataset d = idx(images: "check-images.idx", labels: "${labels ? 'check-labels.idx' : 'check-label.idx'}", classes: ${classes})\n`;
      return analyze(text, { host: fileHost(dlnet) }).diagnostics.filter((d) => d.severity === 'error').map((d) => d.message);
    };
    expect(errors(Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 3, 7]))).toEqual([]);
    expect(errors(undefined)[0]).toMatch(/^dataset d: cannot read 'check-label.idx': no such file in .*; did you mean 'check-labels.idx'\?$/);
    expect(errors(Buffer.from([0, 0, 8, 1, 0, 0, 0, 3, 3, 7, 1]))).toEqual(["dataset d: 'check-labels.idx' holds 3 labels for the 2 images of 'check-images.idx'"]);
    expect(errors(Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 3, 7]), 5)).toEqual(["dataset d: 'check-labels.idx' has label 7 (item 1), past classes: 5 (classes 0 to 4)"]);
    expect(errors(Buffer.from([0, 0, 8, 3, 0, 0, 0, 2, 3, 7]))).toEqual(["dataset d: 'check-labels.idx' is not an IDX label file (rank 1)"]);
  });

  it('reads files gzipped as they are distributed (Fashion-MNIST\'s .gz), in the check and the loader alike; one that does not unpack is said to', () => {
    const images = twoImages();
    images.set([0, 255, 255, 0, 51, 51, 51, 51], 16);
    writeFileSync(join(dir, 'train-images-idx3-ubyte.gz'), gzipSync(images));
    writeFileSync(join(dir, 'train-labels-idx1-ubyte.gz'), gzipSync(Buffer.from([0, 0, 8, 1, 0, 0, 0, 2, 3, 7])));
    const text = 'dataset d = idx(images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz")\n';
    expect(analyze(text, { host: fileHost(dlnet) }).diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
    const d = loadIdx(join(dir, 'train-images-idx3-ubyte.gz'), 'train-images-idx3-ubyte.gz', join(dir, 'train-labels-idx1-ubyte.gz'), 'train-labels-idx1-ubyte.gz', 10);
    expect(Array.from(d.features[0].data, (v) => Math.round(v * 100) / 100)).toEqual([0, 1, 1, 0, 0.2, 0.2, 0.2, 0.2]);
    // Its classes named, as many names as classes.
    const named = (names: string[]) => `dataset d = idx(images: "train-images-idx3-ubyte.gz", labels: "train-labels-idx1-ubyte.gz", classes: 8, names: ${JSON.stringify(names)})\ntrain M on d { loss: categoricalCrossentropy }\nmodel M {\n  input x: [2, 2, 1]\n  flatten\n  dense(8, activation: softmax)\n}\n`;
    const eight = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    expect(analyze(named(eight), { host: fileHost(dlnet) }).diagnostics.filter((x) => x.severity === 'error')).toEqual([]);
    expect(analyze(named(eight.slice(1)), { host: fileHost(dlnet) }).diagnostics.filter((x) => x.severity === 'error').map((x) => x.message)).toEqual(['dataset d: names gives 7 names for classes: 8']);
    writeFileSync(join(dir, 'named.dlnet'), named(eight));
    expect(loadData(analyze(named(eight), { host: fileHost(dlnet) }).datasets.get('d')!, join(dir, 'named.dlnet')).classes).toEqual(eight);
    // A table too.
    writeFileSync(join(dir, 'gz-table.csv.gz'), gzipSync('x,y\n1,a\n2,b\n'));
    expect(loadCsv(join(dir, 'gz-table.csv.gz'), 'gz-table.csv.gz', { label: 'y' }).classes).toEqual(['a', 'b']);
    // gzip's magic number, then not gzip.
    writeFileSync(join(dir, 'broken.csv.gz'), Buffer.from([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    const broken = analyze('dataset t = csv("broken.csv.gz", label: "y")\n', { host: fileHost(dlnet) }).diagnostics.filter((x) => x.severity === 'error').map((x) => x.message);
    // (Not offered itself as the file meant.)
    expect(broken).toEqual([expect.stringMatching(/^dataset t: cannot read 'broken\.csv\.gz': it starts as a gzip file but does not unpack \([^)]+\)$/)]);
    expect(() => loadCsv(join(dir, 'broken.csv.gz'), 'broken.csv.gz', { label: 'y' })).toThrow(/does not unpack/);
  });
});

describe('paths', () => {
  it('resolve next to the .dlnet file and may not leave the workspace', () => {
    mkdirSync(join(dir, 'data'), { recursive: true });
    expect(resolveDataPath(dlnet, 'data/x.csv')).toBe(join(dir, 'data', 'x.csv'));
    expect(resolveDataPath(dlnet, '../../etc/passwd')).toBeInstanceOf(Error);
    expect(resolveDataPath(dlnet, '/etc/passwd')).toBeInstanceOf(Error);
  });

  it('say why a file cannot be read, and list the files below the .dlnet file', () => {
    const host = fileHost(dlnet);
    mkdirSync(join(dir, 'data', 'deep', 'deeper', 'deepest'), { recursive: true });
    mkdirSync(join(dir, 'node_modules', 'pkg'), { recursive: true });
    writeFileSync(join(dir, 'data', 'deep', 'a.csv'), 'x\n1\n');
    writeFileSync(join(dir, 'data', 'deep', 'deeper', 'deepest', 'too-deep.csv'), 'x\n1\n');
    writeFileSync(join(dir, 'node_modules', 'pkg', 'dependency.csv'), 'x\n1\n');
    expect(host.problem!('nothing.csv')).toBe(`no such file in ${dir}`);
    expect(host.problem!('data/none/x.csv')).toBe(`no such file in ${join(dir, 'data', 'none')}`);
    expect(host.problem!('data')).toBe('it is a folder');
    expect(host.problem!('../../etc/passwd')).toMatch(/^it is outside the workspace /);
    const files = host.nearbyFiles!();
    expect(files).toContain('data/deep/a.csv');
    expect(files.some((f) => f.includes('too-deep') || f.includes('node_modules'))).toBe(false);
  });
});
