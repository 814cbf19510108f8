/**
 * File access for .dlnet files: data paths resolve next to the file and may not leave the
 * workspace; and the .dlnet files of a folder.
 */
import { accessSync, constants, type Dirent, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { gunzipSync } from 'node:zlib';
import type { FileHost } from '../dsl';

/** The workspace: the nearest folder above the file with a package.json or .git, else the file's folder. */
export function workspaceRoot(file: string): string {
  let dir = dirname(resolve(file));
  for (;;) {
    if (existsSync(resolve(dir, 'package.json')) || existsSync(resolve(dir, '.git'))) return dir;
    const up = dirname(dir);
    if (up === dir) return dirname(resolve(file));
    dir = up;
  }
}

/**
 * A data file's bytes, unpacked where it is gzip (data sets ship so: Fashion-MNIST's
 * train-images-idx3-ubyte.gz, a table.csv.gz): the checker and the trainer read what it holds.
 */
export function readDataFile(path: string): Buffer {
  const bytes = readFileSync(path);
  if (bytes.length < 2 || bytes[0] !== 0x1f || bytes[1] !== 0x8b) return bytes;
  try {
    return gunzipSync(bytes);
  } catch (e) {
    throw new Error(`it starts as a gzip file but does not unpack (${(e as Error).message})`);
  }
}

/** Resolves a data path written in a .dlnet file; an Error value when it escapes the workspace. */
export function resolveDataPath(dlnetFile: string, path: string, root = workspaceRoot(dlnetFile)): string | Error {
  const full = resolve(dirname(resolve(dlnetFile)), path);
  const rel = relative(root, full);
  if (rel.startsWith('..') || isAbsolute(rel)) return new Error(`'${path}' is outside the workspace ${root}`);
  return full;
}

export function fileHost(dlnetFile: string, root?: string): FileHost {
  const full = (path: string) => {
    const resolved = resolveDataPath(dlnetFile, path, root);
    return resolved instanceof Error ? undefined : resolved;
  };
  return {
    readFile(path) {
      const file = full(path);
      try {
        return file === undefined ? undefined : readDataFile(file);
      } catch {
        return undefined;
      }
    },
    stamp(path) {
      const file = full(path);
      const stamp = file === undefined ? undefined : fileStamp(file);
      // The resolved path too: the same relative path names another file next to another .dlnet file.
      return stamp === undefined ? undefined : `${file}\0${stamp}`;
    },
    problem(path) {
      const resolved = resolveDataPath(dlnetFile, path, root);
      if (resolved instanceof Error) return `it is outside the workspace ${root ?? workspaceRoot(dlnetFile)}`;
      const st = statSync(resolved, { throwIfNoEntry: false });
      if (!st) return `no such file in ${dirname(resolved)}`;
      if (st.isDirectory()) return 'it is a folder';
      try {
        accessSync(resolved, constants.R_OK);
      } catch {
        return 'permission denied';
      }
      try {
        readDataFile(resolved);
        return undefined;
      } catch (e) {
        return (e as Error).message;
      }
    },
    nearbyFiles: () => filesBelow(dirname(resolve(dlnetFile)), NEARBY_DEPTH, NEARBY_LIMIT),
  };
}

/** How deep below a .dlnet file's folder its data files are looked for (data/train/x.csv), and how many at most. */
const NEARBY_DEPTH = 3;
const NEARBY_LIMIT = 2000;

/**
 * The files in a folder and below it (`depth` levels), as relative paths with '/', in name
 * order; folders of dependencies and tools (node_modules, names starting with a dot) left out.
 */
export function filesBelow(folder: string, depth: number, limit: number, prefix = ''): string[] {
  const out: string[] = [];
  let entries: Dirent[];
  try {
    entries = readdirSync(join(folder, prefix), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  } catch {
    return out;
  }
  for (const entry of entries) {
    if (out.length >= limit) break;
    if (entry.name === 'node_modules' || entry.name.startsWith('.')) continue;
    const path = prefix ? `${prefix}/${entry.name}` : entry.name;
    // A link is what it points to (stat follows it).
    const st = entry.isSymbolicLink() ? statSync(join(folder, path), { throwIfNoEntry: false }) : entry;
    if (st?.isFile()) out.push(path);
    else if (st?.isDirectory() && depth > 1) out.push(...filesBelow(folder, depth - 1, limit - out.length, path));
  }
  return out;
}

/** Something that changes whenever the file does: its size and modification time (undefined when it cannot be read). */
export function fileStamp(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.size}\0${s.mtimeMs}`;
  } catch {
    return undefined;
  }
}

/** Folders deeper than this are not searched: a link back up would otherwise never end. */
const MAX_DEPTH = 8;

/**
 * Every .dlnet file under a folder, in name order, leaving out dependencies (node_modules)
 * and tools' own folders (a name starting with a dot): what `dlnet check` takes a folder
 * for, and where workspace symbols look.
 */
export function dlnetFilesUnder(folder: string): string[] {
  return filesBelow(folder, MAX_DEPTH + 1, Infinity).filter((path) => path.endsWith('.dlnet')).map((path) => join(folder, path));
}
