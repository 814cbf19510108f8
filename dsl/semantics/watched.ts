/**
 * The settings that watch a value epoch by epoch: earlyStopping and a reduceOnPlateau
 * schedule. A value the run does not log would leave them acting on nothing (Keras warns
 * and then stops or lowers the rate whatever the loss does): val_loss and val_acc are
 * logged only where data is held out to validate on, acc and val_acc only where the
 * metrics list accuracy. A GAN logs neither network's values under those names.
 */
import type { Args, Choice } from '../catalog';
import { diagnostic, type Fix, type TextEdit } from '../diagnostics';
import type * as ast from '../syntax/ast';
import type { Context } from './context';
import { settingAdded, settingNamed, settingRemoval } from './train-edits';
import { listItemAdded, settingArgument } from './values';

/** The settings whose value's `monitor` the run watches. */
const WATCHING = ['earlyStopping', 'schedule'] as const;

export function checkWatched(ctx: Context, decl: ast.TrainDecl, settings: Args, gan: boolean): void {
  for (const key of WATCHING) {
    const value = settings[key] as Choice | undefined;
    const setting = settingNamed(decl, key);
    const call = setting?.value.kind === 'call' ? setting.value : undefined;
    if (!value || !call || !('monitor' in value.args)) continue;
    if (gan) {
      // Only a schedule reaches here: earlyStopping is refused for GANs as a plain training's setting.
      ctx.report(diagnostic('invalid-setting', 'error', call.callee.range, `${value.name} watches a plain training's loss or accuracy; a GAN logs its two networks' losses, which do not say whether it improves: a schedule of the epoch, such as exponentialDecay(0.95), lowers the rate of both`, {
        fixes: settingRemoval(decl, setting!, `Remove the schedule`, true),
      }));
      continue;
    }
    const monitor = (value.args.monitor as Choice).name;
    const given = call.args?.find((a) => a.name?.text === 'monitor');
    const at = given?.value.range ?? call.callee.range;
    const watchInstead = (other: string): Fix => ({ title: `Watch ${other} instead`, edits: [settingArgument(call, 'monitor', other)] });
    const validated = settings.validation !== undefined || (settings.validationSplit as number) > 0;
    if (monitor.startsWith('val_') && !validated) {
      const training = monitor.slice('val_'.length);
      ctx.report(diagnostic('invalid-setting', 'error', at, `${value.name} watches ${monitor}, which is logged only where data is held out to validate on: give validationSplit (or validation: a dataset), or watch ${training}`, {
        fixes: [{ title: 'Add validationSplit: 0.2', edits: [settingAdded(ctx, decl, 'validationSplit: 0.2')], preferred: true }, watchInstead(training)],
      }));
    }
    const metrics = (settings.metrics as Choice[] | undefined) ?? [];
    if (monitor.endsWith('acc') && !metrics.some((m) => m.name === 'accuracy')) {
      const added = accuracyAdded(ctx, decl);
      ctx.report(diagnostic('invalid-setting', 'error', at, `${value.name} watches ${monitor}, which is logged only where the metrics list accuracy: add it, or watch ${monitor.replace(/acc$/, 'loss')}`, {
        fixes: [...(added ? [{ title: 'Add accuracy to the metrics', edits: [added], preferred: true as const }] : []), watchInstead(monitor.replace(/acc$/, 'loss'))],
      }));
    }
  }
}

/** `accuracy` added to the metrics' list, or the setting `metrics: [accuracy]` where there is none; undefined where they are not a list. */
function accuracyAdded(ctx: Context, decl: ast.TrainDecl): TextEdit | undefined {
  const list = settingNamed(decl, 'metrics')?.value;
  if (!list) return settingAdded(ctx, decl, 'metrics: [accuracy]');
  return list.kind === 'list' ? listItemAdded(list, 'accuracy') : undefined;
}
