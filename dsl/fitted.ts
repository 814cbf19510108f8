/**
 * A list built by `push` keeps the spare room V8 gave it: 17 slots from the first push,
 * some 150 bytes for a list of one. The lists an analysis keeps (a tree's arguments and
 * statements, the graph's calls, a recorded check) are copied to their size once built,
 * so the spare room dies young instead of being copied by every scavenge that the kept
 * tree and analysis survive (docs/performance.md).
 */
export function fitted<T>(list: T[]): T[] {
  return list.length === 0 ? list : list.slice();
}
