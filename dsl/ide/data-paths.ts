/** The data files a file's sources name (a csv source's path, an idx source's images and labels), where each is written: editors link them. */
import type { Analysis } from '../analyze';
import { fileArguments } from '../semantics/source-fixes';
import type { Range } from '../syntax/range';

export interface DataPath {
  /** The string that names the file, quotes included. */
  range: Range;
  /** The path as written, relative to the .dlnet file. */
  path: string;
}

export function dataPaths(a: Analysis): DataPath[] {
  return a.file.decls.flatMap((decl) => (decl.kind === 'dataset' && decl.source ? fileArguments(decl.source) : []).map(({ value }) => ({ range: value.range, path: value.value })));
}
