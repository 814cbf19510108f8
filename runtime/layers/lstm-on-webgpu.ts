/**
 * The LSTM sequence op of fused-lstm.ts on the webgpu backend: the recurrence in dlnet's
 * two WGSL programs (runtime/kernels/webgpu-lstm.ts), the products over all steps as
 * tfjs's matMuls — about a dozen dispatches a training step instead of ~100 per time step.
 */
import { gpuLimit } from '../gpu';
import { LSTM_BACKWARD, LSTM_FORWARD, STATE_WIDTH, workgroupBytes } from '../kernels/webgpu-lstm';
import { tf } from '../tf';

type Tensor = tf.Tensor;

/** Whether this backend has the two programs (webgpu, unless DLNET_WEBGPU_KERNELS=tfjs) and the device room for this many units' state. */
export const lstmOnWebgpuAvailable = (units: number) =>
  tf.getBackend() === 'webgpu' && !!tf.getKernel(LSTM_FORWARD, 'webgpu') && workgroupBytes(units) <= (gpuLimit('maxComputeWorkgroupStorageSize') ?? 16384);

/** h of every step [B, T, H] from the state [B, T, 6H] (i, f, g, o, c, h). */
const hidden = (state: Tensor, H: number) => tf.slice(state, [0, 0, (STATE_WIDTH - 1) * H], [state.shape[0], state.shape[1]!, H]);

export function lstmOnWebgpu(x: Tensor, kernel: Tensor, recurrent: Tensor, bias: Tensor, sequences: boolean): Tensor {
  const op = tf.customGrad(((xs: Tensor, k: Tensor, r: Tensor, bs: Tensor, save: (tensors: Tensor[]) => void) => {
    const [B, T, I] = xs.shape;
    const H = r.shape[0];
    const projected = tf.reshape(tf.fused.matMul({ a: tf.reshape(xs, [B * T, I]), b: k, bias: bs }), [B, T, 4 * H]);
    const state = tf.engine().runKernel(LSTM_FORWARD, { projected, recurrent: r }) as Tensor;
    save([xs, k, r, state]);
    const value = sequences ? hidden(state, H) : tf.reshape(tf.slice(state, [0, T - 1, (STATE_WIDTH - 1) * H], [B, 1, H]), [B, H]);
    return {
      value,
      gradFunc: (dy: Tensor, [x, kernel, rec, st]: Tensor[]) => {
        const dZ = tf.reshape(tf.engine().runKernel(LSTM_BACKWARD, { state: st, dy, recurrent: rec }, { sequences }) as Tensor, [B * T, 4 * H]);
        const dx = tf.reshape(tf.matMul(dZ, kernel, false, true), [B, T, I]);
        const dKernel = tf.matMul(tf.reshape(x, [B * T, I]), dZ, true, false);
        // h_{t-1} for every step: h shifted one step later, zero first.
        const before = tf.reshape(tf.slice(tf.pad(hidden(st, H), [[0, 0], [1, 0], [0, 0]]), [0, 0, 0], [B, T, H]), [B * T, H]);
        const dRecurrent = tf.matMul(before, dZ, true, false);
        return [dx, dKernel, dRecurrent, tf.sum(dZ, 0)];
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (op as unknown as (...t: Tensor[]) => Tensor)(x, kernel, recurrent, bias);
}
