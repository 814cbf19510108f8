/**
 * Dilated convolutions that train. TensorFlow.js computes a dilated conv1d/conv2d
 * forward but has no gradient for it on any backend ("dilation rates greater than 1 are
 * not yet supported in gradients"). A dilated convolution is an ordinary one whose
 * kernel has d - 1 zeros between its taps, and every op that spreads the kernel so
 * (pad, reshape, slice) has a gradient: these layers convolve that way when the rate
 * is above 1 and as tfjs does otherwise. Registered under tfjs's class names, with
 * tfjs's config, so saved models load anywhere and dlnet's load back trainable.
 */
import type { Tensor } from '@tensorflow/tfjs-core';
import { tf, tfl } from '../tf';

/** The kernel [k..., in, out] with `rate - 1` zeros between neighbouring taps along each spatial axis. */
export function dilateKernel<T extends Tensor>(kernel: T, rates: number[]): T {
  return tf.tidy(() => {
    let k: Tensor = kernel;
    rates.forEach((rate, axis) => {
      if (rate > 1) k = spread(k, axis, rate);
    });
    return k as T;
  });
}

/** Along `axis`: each tap followed by rate - 1 zeros, the zeros after the last tap dropped. */
function spread(k: Tensor, axis: number, rate: number): Tensor {
  const taps = k.shape[axis];
  const padded = tf.pad(tf.expandDims(k, axis + 1), [...k.shape, 1].map((_, i) => (i === axis + 1 ? [0, rate - 1] : [0, 0])) as [number, number][]);
  const merged = tf.reshape(padded, k.shape.map((n, i) => (i === axis ? n * rate : n)));
  return tf.slice(merged, k.shape.map(() => 0), k.shape.map((n, i) => (i === axis ? (taps - 1) * rate + 1 : n)));
}

type ConvLayer = tfl.layers.Layer & {
  rank: number;
  strides: number[];
  padding: 'same' | 'valid';
  dilationRate: number | number[];
  kernel: { read(): Tensor };
  bias: { read(): Tensor } | null;
  activation: { apply(x: Tensor): Tensor } | null;
};
type ConvArgs = Parameters<typeof tfl.layers.conv2d>[0];
type ConvClass = new (args: ConvArgs) => ConvLayer;

/** `base` (tfjs's Conv1D or Conv2D) with a dilated call that has gradients. */
function trainableWhenDilated(base: ConvClass, className: string) {
  return class extends base {
    static className = className;

    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[] {
      const rates = typeof this.dilationRate === 'number' ? [this.dilationRate] : this.dilationRate;
      if (rates.every((r) => r === 1)) return super.call(inputs, kwargs);
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const kernel = dilateKernel(this.kernel.read(), rates);
        let y = this.rank === 1
          ? tf.conv1d(x as tf.Tensor3D, kernel as tf.Tensor3D, this.strides[0], this.padding)
          : tf.conv2d(x as tf.Tensor4D, kernel as tf.Tensor4D, this.strides as [number, number], this.padding);
        if (this.bias) y = tf.add(y, this.bias.read());
        return this.activation ? this.activation.apply(y) : y;
      });
    }
  };
}

const classOf = (layer: tfl.layers.Layer) => Object.getPrototypeOf(layer).constructor as ConvClass;
export const Conv1d = trainableWhenDilated(classOf(tfl.layers.conv1d({ filters: 1, kernelSize: 1 })), 'Conv1D');
export const Conv2d = trainableWhenDilated(classOf(tfl.layers.conv2d({ filters: 1, kernelSize: 1 })), 'Conv2D');

for (const cls of [Conv1d, Conv2d]) tf.serialization.registerClass(cls as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
