/**
 * tfjs's Dropout and SpatialDropout1D with a seed that advances at every call.
 *
 * Given a seed, tfjs draws the dropout mask from a generator made from that seed at every
 * call, so every training step drops the same units: a fixed thinned network, not dropout.
 * Without one the masks are fresh but a run cannot be repeated. Here the seed moves on by
 * one at each call, so each step draws a new mask and a run with the same train seed draws
 * the same masks. Saved as tfjs's own layers, without the seed (a loaded model that trains
 * on draws fresh masks). On webgpu the mask is drawn on the device instead
 * (runtime/kernels/webgpu-dropout.ts), from the seed and a count of calls kept there.
 */
import { DROPOUT_MASK } from '../kernels/webgpu-dropout';
import { tf, tfl } from '../tf';

/**
 * A dropout layer's mask drawn on the device: its seed, and its count of calls kept on the
 * device (int32 [1]) once it has drawn there.
 */
export class DeviceMasks {
  private calls?: tf.Tensor;

  constructor(private seed?: number) {}

  /** x times dropout's multiplier of this shape (broadcast over x), drawn on the device; undefined off webgpu. */
  drop(x: tf.Tensor, rate: number, shape: number[]): tf.Tensor | undefined {
    if (tf.getBackend() !== 'webgpu' || !tf.getKernel(DROPOUT_MASK, 'webgpu')) return undefined;
    this.calls ??= tf.keep(tf.tensor1d([0], 'int32'));
    const attrs = { rate, seed: (this.seed ??= Math.floor(Math.random() * 2 ** 31)), shape };
    return tf.tidy(() => tf.mul(x, tf.engine().runKernel(DROPOUT_MASK, { calls: this.calls! }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor));
  }

  dispose(): void {
    this.calls?.dispose();
    this.calls = undefined;
  }

  /** What its layer's `dispose` returns, freeing the masks' device memory once the layer's last reference has gone. */
  releasedWith<R extends { refCountAfterDispose: number }>(layerDisposed: R): R {
    if (layerDisposed.refCountAfterDispose === 0) this.dispose();
    return layerDisposed;
  }
}

type LayerClass = new (args: { rate: number; seed?: number; name?: string }) => tfl.layers.Layer;
const tfjsClass = (name: string) => tf.serialization.SerializationMap.getMap().classNameMap[name][0] as unknown as LayerClass;

function advancingSeed(Base: LayerClass, className: string): LayerClass {
  return class extends Base {
    static className = className;
    private readonly firstSeed?: number;
    private calls = 0;
    private readonly device: DeviceMasks;

    constructor(args: { rate: number; seed?: number; name?: string }) {
      super(args);
      this.firstSeed = args.seed;
      this.device = new DeviceMasks(args.seed);
    }

    override call(inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>): tf.Tensor | tf.Tensor[] {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const rate = (this as unknown as { rate: number }).rate;
      if (kwargs.training === true && rate > 0 && rate < 1) {
        const shape = (this as unknown as { getNoiseShape(x: tf.Tensor): number[] | null | undefined }).getNoiseShape(x) ?? x.shape;
        const dropped = this.device.drop(x, rate, shape);
        if (dropped) return dropped;
      }
      if (this.firstSeed !== undefined) (this as unknown as { seed: number }).seed = this.firstSeed + this.calls++;
      return super.call(inputs, kwargs as never);
    }

    override dispose(): ReturnType<tfl.layers.Layer['dispose']> {
      return this.device.releasedWith(super.dispose());
    }

    override getConfig(): tf.serialization.ConfigDict {
      const { seed: _seed, ...config } = super.getConfig();
      return config;
    }
  };
}

export const Dropout = advancingSeed(tfjsClass('Dropout'), 'Dropout');
export const SpatialDropout1D = advancingSeed(tfjsClass('SpatialDropout1D'), 'SpatialDropout1D');
