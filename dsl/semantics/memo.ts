/**
 * Checks remembered across analyses. The parser hands back the same tree for a
 * declaration whose text and position did not change, so a check keyed by that tree
 * can replay its recorded effects instead of running again, as long as the blocks it
 * read are the same ones (see `Context.record`). An edit then re-checks only the
 * declarations it touched and those that use a block it touched.
 */
import type * as ast from '../syntax/ast';
import { weighChecks } from '../syntax/parse';
import type { Context, Recording } from './context';

/**
 * Recorded slots (effects and reads) that weigh as much as a character of text: measured,
 * a slot keeps ~30 bytes with what it points to, a character's tree and checks ~60.
 */
const SLOTS_PER_CHAR = 2;

export class Remembered<K extends ast.Decl, T> {
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
    weighChecks(key, (recording.effects.length + recording.reads.length) / SLOTS_PER_CHAR);
    return value;
  }
}
