/**
 * Checks remembered across analyses. The parser hands back the same tree for a
 * declaration whose text and position did not change, so a check keyed by that tree
 * can replay its recorded effects instead of running again, as long as the blocks it
 * read are the same ones (see `Context.record`). An edit then re-checks only the
 * declarations it touched and those that use a block it touched.
 */
import type { Context, Recording } from './context';

export class Remembered<K extends object, T> {
  /** Weak: a tree the parse cache let go of takes its checks with it. */
  private readonly entries = new WeakMap<K, { value: T; recording: Recording }>();

  check(ctx: Context, key: K, run: () => T): T {
    const hit = this.entries.get(key);
    if (hit && ctx.stillHolds(hit.recording)) {
      ctx.replay(hit.recording);
      return hit.value;
    }
    const { value, recording } = ctx.record(run);
    this.entries.set(key, { value, recording });
    return value;
  }
}
