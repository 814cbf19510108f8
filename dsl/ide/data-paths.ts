/** The data files a file's sources name (a csv source's path, an idx source's images and labels), where each is written: editors link them. */
import type { Analysis } from '../analyze';
import { findDataset } from '../catalog';
import type { Range } from '../syntax/range';

export interface DataPath {
  /** The string that names the file, quotes included. */
  range: Range;
  /** The path as written, relative to the .dlnet file. */
  path: string;
}

export function dataPaths(a: Analysis): DataPath[] {
  const out: DataPath[] = [];
  for (const decl of a.file.decls) {
    const source = decl.kind === 'dataset' ? decl.source : undefined;
    const def = source && findDataset(source.callee.text);
    if (!def || !source?.args) continue;
    const positional = def.params.filter((p) => p.positional);
    let position = 0;
    for (const arg of source.args) {
      const param = arg.name ? def.params.find((p) => p.name === arg.name!.text) : positional[position++];
      if (param?.type.kind === 'string' && param.type.file && arg.value?.kind === 'string') out.push({ range: arg.value.range, path: arg.value.value });
    }
  }
  return out;
}
