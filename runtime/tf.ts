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

export { tf, tfl };
