/**
 * Batch-size advice for a GPU. Each step pays a fixed cost whatever its size (kernel
 * dispatches, uploads, the loss read back), so a small batch leaves a GPU mostly idle.
 * Before a GPU run, a few steps at the run's batch size and at a few times it are timed
 * on a throw-away copy; when the larger batch trains at least 1.5x the samples per
 * second, the start event carries the figures and the panel offers the change. Each size's
 * best of up to three rounds counts, so a moment's load on the machine does not decide.
 */
import type { Args, ModelGraph } from '../../dsl';
import type { Data } from '../data/dataset';
import type { BatchAdvice } from './events';
import { fitStepsPerSecond } from './measure';

const WARM_UP = 3;
const STEPS = 6;
const WORTH_IT = 1.5;
/** Below this, another round is not worth its time: the larger batch is not faster to speak of. */
const NOT_NEAR = 1.1;
const ROUNDS = 3;

export async function adviseBatchSize(g: ModelGraph, settings: Args, data: Data, batchSize: number): Promise<BatchAdvice | undefined> {
  // The larger batch must fit the data that many times over, or it is not measured.
  const factor = [4, 2].find((f) => data.size >= f * batchSize * (WARM_UP + STEPS));
  if (!factor) return undefined;
  const suggested = factor * batchSize;
  let [base, larger] = [0, 0];
  for (let round = 1; ; round++) {
    base = Math.max(base, batchSize * (await fitStepsPerSecond(g, settings, data, batchSize, WARM_UP, STEPS)));
    larger = Math.max(larger, suggested * (await fitStepsPerSecond(g, settings, data, suggested, WARM_UP, STEPS)));
    // A busy machine only ever slows a measurement: short of the mark but near it, the best of a few rounds, taken in turn, decides.
    const speedup = larger / base;
    if (speedup >= WORTH_IT || speedup < NOT_NEAR || round === ROUNDS) break;
  }
  const speedup = larger / base;
  if (speedup < WORTH_IT) return undefined;
  return {
    batchSize, suggested, speedup: Math.round(speedup * 100) / 100, samplesPerSec: [Math.round(base), Math.round(larger)],
    message: `batchSize ${suggested} trained ${speedup.toFixed(1)}x the samples per second of ${batchSize} (${Math.round(larger).toLocaleString('en')} vs ${Math.round(base).toLocaleString('en')}): `
      + `the GPU is under-fed. A larger batch takes fewer steps per epoch; raise the learning rate with it (in proportion is the usual rule).`,
  };
}
