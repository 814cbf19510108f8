/**
 * File access for .dlnet files: data paths resolve next to the file and may not leave the
 * workspace; and the .dlnet files of a folder.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
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
        return file === undefined ? undefined : readFileSync(file);
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
  };
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
export function dlnetFilesUnder(folder: string, depth = 0): string[] {
  if (depth > MAX_DEPTH) return [];
  const out: string[] = [];
  for (const name of readdirSync(folder).sort()) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const full = join(folder, name);
    const st = statSync(full, { throwIfNoEntry: false });
    if (st?.isDirectory()) out.push(...dlnetFilesUnder(full, depth + 1));
    else if (st?.isFile() && name.endsWith('.dlnet')) out.push(full);
  }
  return out;
}
