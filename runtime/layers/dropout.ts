/**
 * tfjs's Dropout and SpatialDropout1D with a seed that advances at every call.
 *
 * Given a seed, tfjs draws the dropout mask from a generator made from that seed at every
 * call, so every training step drops the same units: a fixed thinned network, not dropout.
 * Without one the masks are fresh but a run cannot be repeated. Here the seed moves on by
 * one at each call, so each step draws a new mask and a run with the same train seed draws
 * the same masks. Saved as tfjs's own layers, without the seed (a loaded model that trains
 * on draws fresh masks).
 */
import { tf, tfl } from '../tf';

type LayerClass = new (args: { rate: number; seed?: number; name?: string }) => tfl.layers.Layer;
const tfjsClass = (name: string) => tf.serialization.SerializationMap.getMap().classNameMap[name][0] as unknown as LayerClass;

function advancingSeed(Base: LayerClass, className: string): LayerClass {
  return class extends Base {
    static className = className;
    private readonly firstSeed?: number;
    private calls = 0;

    constructor(args: { rate: number; seed?: number; name?: string }) {
      super(args);
      this.firstSeed = args.seed;
    }

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
      if (this.firstSeed !== undefined) (this as unknown as { seed: number }).seed = this.firstSeed + this.calls++;
      return super.call(inputs, kwargs as never);
    }

    override getConfig(): tf.serialization.ConfigDict {
      const { seed: _seed, ...config } = super.getConfig();
      return config;
    }
  };
}

export const Dropout = advancingSeed(tfjsClass('Dropout'), 'Dropout');
export const SpatialDropout1D = advancingSeed(tfjsClass('SpatialDropout1D'), 'SpatialDropout1D');
