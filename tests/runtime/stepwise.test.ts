/**
 * fit.ts's stepwise epoch: steps a stepper issues without waiting are read STEPS_AHEAD
 * behind (the device computes while the CPU prepares the next), in batch order, and a step
 * it cannot issue (an epoch's last, smaller batch) waits for every issued one first.
 */
import { describe, expect, it } from 'vitest';
import { STEPS_AHEAD, stepwiseEpoch, type Stepper } from '../../runtime/train/fit';
import type { tfl } from '../../runtime/tf';

/** A stepper whose issued steps settle in order, a millisecond after each is issued; it logs what happened, in order. */
function fakeStepper(batchSize: number) {
  const log: string[] = [];
  const unsettled: (() => void)[] = [];
  let most = 0;
  let batch = 0;
  const step = async (indices: Uint32Array) => {
    log.push(`step ${batch++}`);
    return [indices.length];
  };
  const issue = (indices: Uint32Array) => {
    if (indices.length !== batchSize) return undefined;
    log.push(`issue ${batch++}`);
    const values = new Promise<number[]>((resolve) => unsettled.push(() => resolve([indices.length])));
    most = Math.max(most, unsettled.length);
    // The device finishes steps in order, some time after they were issued.
    setTimeout(() => unsettled.shift()?.(), 1);
    return values;
  };
  return { stepper: Object.assign(step, { issue }) as Stepper, log, most: () => most };
}

describe('a stepwise epoch', () => {
  it(`reads each issued step once ${STEPS_AHEAD} more are issued, in batch order, and waits for all before a step it cannot issue`, async () => {
    const { stepper, log, most } = fakeStepper(4);
    const model = { metricsNames: ['loss'], stopTraining: false } as unknown as tfl.LayersModel;
    const read: number[] = [];
    const sums: Record<string, number> = {};
    const order = Uint32Array.from({ length: 22 }, (_, i) => i);
    const fitted = await stepwiseEpoch(stepper, model, order.length, order, 4, sums, async (batch) => {
      read.push(batch);
      log.push(`read ${batch}`);
    });
    expect(fitted).toBe(22);
    expect(read).toEqual([0, 1, 2, 3, 4, 5]);
    // loss = the batch's size: 5 batches of 4 and one of 2, weighted by size.
    expect(sums.loss).toBe(5 * 16 + 4);
    expect(most()).toBe(STEPS_AHEAD + 1);
    expect(log.indexOf('read 0')).toBeGreaterThan(log.indexOf(`issue ${STEPS_AHEAD}`));
    expect(log.indexOf('read 0')).toBeLessThan(log.indexOf(`issue ${STEPS_AHEAD + 1}`));
    // The last batch (2 examples) is stepped after every issued one was read.
    expect(log.slice(-2)).toEqual(['step 5', 'read 5']);
    expect(log.indexOf('read 4')).toBeLessThan(log.indexOf('step 5'));
  });

  it('stops issuing once training is stopped, and still reads what it issued', async () => {
    const { stepper } = fakeStepper(2);
    const model = { metricsNames: ['loss'], stopTraining: false } as unknown as tfl.LayersModel;
    const read: number[] = [];
    const order = Uint32Array.from({ length: 40 }, (_, i) => i);
    const fitted = await stepwiseEpoch(stepper, model, order.length, order, 2, {}, async (batch) => {
      read.push(batch);
      if (batch === 3) model.stopTraining = true;
    });
    // Batch 3 is read while STEPS_AHEAD more were issued: those are read too, nothing after them.
    expect(read).toEqual(Array.from({ length: 4 + STEPS_AHEAD }, (_, i) => i));
    expect(fitted).toBe(2 * read.length);
  });
});
