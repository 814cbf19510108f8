/** Loads the data a dataset declaration describes, from its bound arguments. */
import { csvReading, type Args, type CsvEncoding, type DatasetInfo } from '../../dsl';
import { resolveDataPath } from '../files';
import type { Data } from './dataset';
import { DataError, keepingTables, loadCsv, loadIdx } from './files';
import { iris } from './iris';
import { mnist } from './mnist';
import * as synthetic from './synthetic';

/** `like`: the encoding of the table trained on, for a table validated on (see CsvEncoding). */
type Loader = (args: Args, dlnetFile: string, like?: CsvEncoding) => Data;

function path(dlnetFile: string, p: string): string {
  const full = resolveDataPath(dlnetFile, p);
  if (full instanceof Error) throw new DataError(full.message);
  return full;
}

const loaders: Record<string, Loader> = {
  rings: synthetic.rings,
  spirals: synthetic.spirals,
  xor: synthetic.xor,
  moons: synthetic.moons,
  blobs: synthetic.blobs,
  ring2d: synthetic.ring2d,
  shapes: synthetic.shapes,
  sine: synthetic.sine,
  adding: synthetic.adding,
  mnist,
  iris: () => iris(),
  csv: (args, file, like) => loadCsv(path(file, args.path as string), args.path as string, { ...csvReading(args), like }),
  idx: (args, file) => ({
    ...loadIdx(path(file, args.images as string), args.images as string, path(file, args.labels as string), args.labels as string, args.classes as number),
    ...(args.names ? { classes: args.names as string[] } : {}),
  }),
};

export function loadData(info: DatasetInfo, dlnetFile: string, like?: CsvEncoding): Data {
  const source = info.decl.source?.callee.text ?? '';
  const load = loaders[source];
  if (!load || !info.args) throw new DataError(`dataset ${info.decl.name.text} cannot be loaded: its source did not check`);
  return load(info.args, dlnetFile, like);
}

export { DataError, keepingTables };
export type { Data };
