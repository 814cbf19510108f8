/**
 * A whole LSTM sequence, forward and backward, as one operation on the CPU backends.
 *
 * tfjs runs an LSTM as a loop of small ops — about 15 a step forward and more backward,
 * each paying tfjs's per-op cost, which on a [20, 8] → 32 LSTM is most of the time.
 * Here the sequence is one custom-gradient op: the products are the backend's matMul
 * (the input projection and the weight gradients over all steps at once, h·U a step),
 * the gates plain loops over Float32Arrays (the arithmetic of tfjs's LSTMCell: gates
 * i, f, c, o in that order in the kernel's columns, sigmoid gates and tanh). The layer still is
 * tfjs's LSTM (same weights, same config, saved as an ordinary LSTM); only its call
 * takes this path, and only where the arithmetic is the one written here (see
 * `fusable`). On webgpu the same op runs as dlnet's WGSL programs (lstm-on-webgpu.ts);
 * other GPU backends keep tfjs's (their data would have to come to the CPU).
 */
import { tf, tfl } from '../tf';
import { fastSigmoid as sigmoid, fastTanh as tanh } from './fast-exp';
import { lstmOnWebgpu, lstmOnWebgpuAvailable } from './lstm-on-webgpu';

type Tensor = tf.Tensor;

interface Saved {
  /** Gate activations per step: [T][B × 4H] (i, f, g, o). */
  gates: Float32Array[];
  /** tanh(c_t) per step. */
  cellTanh: Float32Array[];
  /** c_t per step. */
  cells: Float32Array[];
  /** h_{t-1} for every (b, t), as rows b·T + t of [B·T, H] (zero at t = 0): dL/dU is one product with it. */
  hiddenBefore: Float32Array;
  /** h_t for every (b, t), as rows b·T + t of [B·T, H]. */
  hidden: Float32Array;
}

const read = (t: Tensor) => t.dataSync() as Float32Array;

/**
 * x: [B, T, I] → every h_t, and what backward needs. The products run as the backend's
 * matMul: the input projection for all steps at once, then h_{t-1}·U once a step; the
 * gates are a loop over the step's B × H cells.
 */
function forward(x: Tensor, kernel: Tensor, recurrent: Tensor, bias: Tensor): Saved {
  const [B, T, I] = x.shape;
  const H = recurrent.shape[0];
  const G = 4 * H;
  const projected = read(tf.add(tf.matMul(tf.reshape(x, [B * T, I]), kernel), bias)); // rows b·T + t
  const saved: Saved = { gates: [], cellTanh: [], cells: [], hiddenBefore: new Float32Array(B * T * H), hidden: new Float32Array(B * T * H) };
  let h = new Float32Array(B * H);
  let c = new Float32Array(B * H);
  // Every step's gates, cell, tanh(cell) and h in one allocation: fewer buffers for the collector.
  const perStep = B * (G + 3 * H);
  const store = new Float32Array(T * perStep);
  for (let t = 0; t < T; t++) {
    const recurrentPart = t > 0 ? read(tf.matMul(tf.tensor2d(h, [B, H]), recurrent)) : undefined;
    const at = t * perStep;
    const z = store.subarray(at, at + B * G);
    const cNext = store.subarray(at + B * G, at + B * (G + H));
    const th = store.subarray(at + B * (G + H), at + B * (G + 2 * H));
    const hNext = store.subarray(at + B * (G + 2 * H), at + perStep);
    for (let b = 0; b < B; b++) {
      const row = (b * T + t) * G;
      const zb = b * G;
      for (let j = 0; j < G; j++) z[zb + j] = projected[row + j] + (recurrentPart ? recurrentPart[zb + j] : 0);
      for (let u = 0; u < H; u++) {
        const n = b * H + u;
        const i = sigmoid(z[zb + u]);
        const f = sigmoid(z[zb + H + u]);
        const g = tanh(z[zb + 2 * H + u]);
        const o = sigmoid(z[zb + 3 * H + u]);
        z[zb + u] = i;
        z[zb + H + u] = f;
        z[zb + 2 * H + u] = g;
        z[zb + 3 * H + u] = o;
        const cell = f * c[n] + i * g;
        const tc = tanh(cell);
        cNext[n] = cell;
        th[n] = tc;
        hNext[n] = o * tc;
      }
      saved.hiddenBefore.set(h.subarray(b * H, (b + 1) * H), (b * T + t) * H);
      saved.hidden.set(hNext.subarray(b * H, (b + 1) * H), (b * T + t) * H);
    }
    saved.gates.push(z);
    saved.cells.push(cNext);
    saved.cellTanh.push(th);
    h = hNext;
    c = cNext;
  }
  return saved;
}

/**
 * Gradients of x and the weights, given dL/dh_t (every step, or the last only). Back
 * through time a step at a time for dL/dz_t (dL/dh_{t-1} = dz_t·Uᵀ, a product a step);
 * then the weight and input gradients are each one product over all steps.
 */
function backward(dy: Float32Array, sequences: boolean, x: Tensor, kernel: Tensor, recurrent: Tensor, s: Saved): Tensor[] {
  const [B, T, I] = x.shape;
  const H = recurrent.shape[0];
  const G = 4 * H;
  const dzAll = new Float32Array(B * T * G); // rows b·T + t
  let dhNext: Float32Array | undefined;
  let dcNext = new Float32Array(B * H);
  // tfjs's wasm matMul is several times slower with a transposed operand than with the transpose made first.
  const recurrentT = tf.transpose(recurrent);
  for (let t = T - 1; t >= 0; t--) {
    const gates = s.gates[t];
    const cPrev = t > 0 ? s.cells[t - 1] : undefined;
    const th = s.cellTanh[t];
    const dz = new Float32Array(B * G);
    const dc = new Float32Array(B * H);
    for (let b = 0; b < B; b++) {
      const zb = b * G;
      for (let u = 0; u < H; u++) {
        const n = b * H + u;
        const dh = (dhNext ? dhNext[n] : 0) + (sequences ? dy[(b * T + t) * H + u] : t === T - 1 ? dy[n] : 0);
        const i = gates[zb + u];
        const f = gates[zb + H + u];
        const g = gates[zb + 2 * H + u];
        const o = gates[zb + 3 * H + u];
        const dcell = dh * o * (1 - th[n] * th[n]) + dcNext[n];
        dz[zb + u] = dcell * g * i * (1 - i);
        dz[zb + H + u] = cPrev ? dcell * cPrev[n] * f * (1 - f) : 0;
        dz[zb + 2 * H + u] = dcell * i * (1 - g * g);
        dz[zb + 3 * H + u] = dh * th[n] * o * (1 - o);
        dc[n] = dcell * f;
      }
      dzAll.set(dz.subarray(zb, zb + G), (b * T + t) * G);
    }
    if (t > 0) dhNext = read(tf.matMul(tf.tensor2d(dz, [B, G]), recurrentT));
    dcNext = dc;
  }
  const dZ = tf.tensor2d(dzAll, [B * T, G]);
  const dx = tf.reshape(tf.matMul(dZ, tf.transpose(kernel)), [B, T, I]);
  const dKernel = tf.matMul(tf.transpose(tf.reshape(x, [B * T, I])), dZ);
  const dRecurrent = tf.matMul(tf.transpose(tf.tensor2d(s.hiddenBefore, [B * T, H])), dZ);
  const dBias = tf.sum(dZ, 0);
  return [dx, dKernel, dRecurrent, dBias];
}

/**
 * The LSTM over a whole sequence: x [B, T, I] → h [B, T, H] (sequences) or [B, H] (the last step).
 * Differentiable in x and the three weights.
 */
export function fusedLstm(x: Tensor, kernel: Tensor, recurrent: Tensor, bias: Tensor, sequences: boolean): Tensor {
  const op = tf.customGrad(((xs: Tensor, k: Tensor, r: Tensor, bs: Tensor, save: (tensors: Tensor[]) => void) => {
    const [B, T] = xs.shape;
    const H = r.shape[0];
    const saved = forward(xs, k, r, bs);
    // Tensors the backward pass reads must be saved: tfjs disposes the forward pass's others.
    save([xs, k, r]);
    let value: Tensor;
    if (sequences) value = tf.tensor3d(saved.hidden, [B, T, H]);
    else {
      const last = new Float32Array(B * H);
      for (let b = 0; b < B; b++) last.set(saved.hidden.subarray((b * T + T - 1) * H, (b * T + T) * H), b * H);
      value = tf.tensor2d(last, [B, H]);
    }
    return { value, gradFunc: (dy: Tensor, [x, kernel, recurrent]: Tensor[]) => backward(read(dy), sequences, x, kernel, recurrent, saved) };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return (op as unknown as (...t: Tensor[]) => Tensor)(x, kernel, recurrent, bias);
}

/** tfjs's LSTM layer class (not exported by name; registered for serialisation). */
const TfjsLSTM = tf.serialization.SerializationMap.getMap().classNameMap.LSTM[0] as unknown as new (args: object) => tfl.layers.Layer;

interface LstmInternals {
  returnSequences: boolean;
  returnState: boolean;
  stateful: boolean;
  goBackwards: boolean;
  cell: {
    kernel: { read(): Tensor };
    recurrentKernel: { read(): Tensor };
    bias?: { read(): Tensor } | null;
    useBias: boolean;
    units: number;
    dropout: number;
    recurrentDropout: number;
    activation: { getClassName(): string };
    recurrentActivation: { getClassName(): string };
  };
}

/**
 * tfjs's LSTM whose call runs the fused sequence op where it computes the same thing:
 * CPU backends and webgpu, tanh and sigmoid, a bias, no dropout, no mask or initial state, not
 * stateful or backwards, no returned state. Otherwise, and when loaded from a file, it
 * is tfjs's LSTM as it is (it serialises as one: `className` is LSTM).
 */
export class FusableLSTM extends TfjsLSTM {
  static className = 'LSTM';

  override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor | Tensor[] {
    const self = this as unknown as LstmInternals;
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    if (!fusable(self, x, kwargs)) return super.call(inputs, kwargs as never);
    const c = self.cell;
    const run = tf.getBackend() === 'webgpu' ? lstmOnWebgpu : fusedLstm;
    return run(x, c.kernel.read(), c.recurrentKernel.read(), c.bias!.read(), self.returnSequences);
  }
}

function fusable(l: LstmInternals, x: Tensor, kwargs: Record<string, unknown>): boolean {
  const backend = tf.getBackend();
  const c = l.cell;
  return (backend === 'cpu' || backend === 'wasm' || lstmOnWebgpuAvailable(c.units)) && x.rank === 3 && x.dtype === 'float32'
    && kwargs?.mask == null && kwargs?.initialState == null && !l.stateful && !l.goBackwards && !l.returnState
    && c.useBias && !!c.bias && c.dropout === 0 && c.recurrentDropout === 0
    && c.activation.getClassName() === 'tanh' && c.recurrentActivation.getClassName() === 'sigmoid';
}
