/**
 * layerNorm with the same weights, config and class name as TensorFlow.js's
 * LayerNormalization (a saved model loads in plain tfjs), computed with broadcasting:
 * tfjs's own tiles the mean, variance, gamma and beta to the input's shape and calls
 * batchNormalization, whose gradient on those tiles trains a [20, 32] sequence at 81
 * examples a second on wasm (544 on cpu) where batchNorm trains 4,491.
 */
import { tf, tfl } from '../tf';

type LayerNormArgs = Parameters<typeof tfl.layers.layerNormalization>[0];
/** What this layer reads of tfjs's, which keeps it private. */
interface Internals {
  axis: number[];
  epsilon: number;
  scale: boolean;
  center: boolean;
  gamma: tfl.LayerVariable | null;
  beta: tfl.LayerVariable | null;
}
const LayerNormBase = Object.getPrototypeOf(tfl.layers.layerNormalization({})).constructor as new (args: LayerNormArgs) => tfl.layers.Layer;

export class LayerNorm extends LayerNormBase {
  static className = 'LayerNormalization';

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const self = this as unknown as Internals;
    return tf.tidy(() => {
      const x = Array.isArray(inputs) ? inputs[0] : inputs;
      const { mean, variance } = tf.moments(x, self.axis, true);
      let y = tf.mul(tf.sub(x, mean), tf.rsqrt(tf.add(variance, self.epsilon)));
      // gamma and beta span the normalised axes: shaped to broadcast over the others.
      const spread = x.shape.map((size, i) => (self.axis.includes(i) ? size : 1));
      if (self.scale && self.gamma) y = tf.mul(y, tf.reshape(self.gamma.read(), spread));
      if (self.center && self.beta) y = tf.add(y, tf.reshape(self.beta.read(), spread));
      return y;
    });
  }
}

tf.serialization.registerClass(LayerNorm as unknown as tf.serialization.SerializableConstructor<tf.serialization.Serializable>);
