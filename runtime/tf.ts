/**
 * The one place that imports TensorFlow.js, so that a bundle holds exactly one copy
 * of tfjs-core (a second copy would give backends a different engine).
 */
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-core/dist/public/chained_ops/register_all_chained_ops';
// A named import: the package marks its Node build side-effect free, and a bare import would be dropped.
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';

// Production mode: no debug checks, and no advice to install tfjs-node printed on stdout.
tf.enableProdMode();
if (!tf.findBackend('cpu')) tf.registerBackend('cpu', () => new MathBackendCPU(), 1);

// tfjs hands an op with a single output its gradient as a tensor, not a list, and unstack's
// gradient then fails ("tensors passed to stack must be a Tensor[]"): simpleRnn, gru,
// timeDistributed and bidirectional over a one-step sequence that a layer computed could
// not train. The same gradient, taking either.
tf.registerGradient({
  kernelName: tf.Unpack,
  gradFunc: (dy, _saved, attrs) => ({ value: () => tf.stack(Array.isArray(dy) ? dy : [dy], (attrs as unknown as tf.UnpackAttrs).axis) }),
});

export { tf, tfl };
