/**
 * An LSTM's recurrence on the GPU as one program each way, for runtime/layers/fused-lstm.ts.
 *
 * tfjs's webgpu backend runs an LSTM as its cell's ops at every time step: on an H200,
 * LSTM(32) over 20 steps took about 2,000 kernels a training step (274 samples/s).
 * Here one workgroup per sequence walks the steps itself, keeping h, c and the gates in
 * workgroup memory: forward, from the input projection (x·W + b for all steps, one
 * matMul) to every step's gates, cell and output; backward, from dL/dh to dL/dz for every
 * step, whose products with x, h and W give the other gradients (matMuls over all steps).
 * The arithmetic of tfjs's LSTMCell: gates i, f, c, o in that order, sigmoid gates, tanh.
 */
import type { tf } from '../tf';
import { flatLayout, linearWorkgroup, WORKGROUP, type KernelArgs, type Program, type WebgpuBackend } from './webgpu-program';

/** Per (sequence, step) the forward pass keeps 6H values: i, f, g, o (activated), c, h. */
export const STATE_WIDTH = 6;

/** Workgroup memory a program needs for H units: h (or dL/dh), c (or dL/dc) and the 4H gates, as f32. */
export const workgroupBytes = (units: number) => 6 * units * 4;

const functions = `
  fn sigmoidOf(v : f32) -> f32 { return 1.0 / (1.0 + exp(-v)); }
  // tanh through exp(-2|v|): no overflow for large |v|.
  fn tanhOf(v : f32) -> f32 { let e = exp(-2.0 * abs(v)); return sign(v) * (1.0 - e) / (1.0 + e); }`;

/** One workgroup per sequence; its threads take every WORKGROUP-th gate or unit. */
function sequenceProgram(name: string, variableNames: string[], outputShape: number[], units: number, body: string, shared: string): Program {
  return {
    ...flatLayout(outputShape, outputShape[0]),
    variableNames,
    shaderKey: `${name}_${units}`,
    uniforms: '',
    getUserCode: () => `${functions}
  const H = ${units};
  const G = ${4 * units};
  const S = ${STATE_WIDTH * units};
  ${shared}
  fn main(index : i32) {
    let b = ${linearWorkgroup};
    let lane = i32(localIndex);
    let B = uniforms.outShape[0];
    let T = uniforms.outShape[1];
    let inRange = b < B;
    ${body}
  }`,
  };
}

/** projected [B, T, 4H] (x·W + b), recurrent [H, 4H] → state [B, T, 6H]. */
function forwardProgram(projected: tf.TensorInfo, units: number): Program {
  const [B, T] = projected.shape;
  return sequenceProgram('dlnetLstmForward', ['projected', 'recurrent'], [B, T, STATE_WIDTH * units], units, `
    for (var u = lane; u < H; u = u + ${WORKGROUP}) { hs[u] = 0.0; cs[u] = 0.0; }
    workgroupBarrier();
    for (var t = 0; t < T; t = t + 1) {
      let row = b * T + t;
      if (inRange) {
        for (var j = lane; j < G; j = j + ${WORKGROUP}) {
          var z = projected[row * G + j];
          for (var k = 0; k < H; k = k + 1) { z = z + hs[k] * recurrent[k * G + j]; }
          let a = select(sigmoidOf(z), tanhOf(z), j >= 2 * H && j < 3 * H);
          zs[j] = a;
          setOutputAtIndex(row * S + j, a);
        }
      }
      workgroupBarrier();
      if (inRange) {
        for (var u = lane; u < H; u = u + ${WORKGROUP}) {
          let c = zs[H + u] * cs[u] + zs[u] * zs[2 * H + u];
          let h = zs[3 * H + u] * tanhOf(c);
          cs[u] = c;
          hs[u] = h;
          setOutputAtIndex(row * S + G + u, c);
          setOutputAtIndex(row * S + G + H + u, h);
        }
      }
      workgroupBarrier();
    }`, `
  var<workgroup> hs : array<f32, ${units}>;
  var<workgroup> cs : array<f32, ${units}>;
  var<workgroup> zs : array<f32, ${4 * units}>;`);
}

/** state [B, T, 6H], dy (dL/dh: [B, T, H], or [B, H] for the last step only), recurrent [H, 4H] → dL/dz [B, T, 4H]. */
function backwardProgram(state: tf.TensorInfo, units: number, sequences: boolean): Program {
  const [B, T] = state.shape;
  const dyAt = sequences ? 'dy[row * H + u]' : 'select(0.0, dy[b * H + u], t == T - 1)';
  const program = sequenceProgram('dlnetLstmBackward', ['state', 'dy', 'recurrent'], [B, T, 4 * units], units, `
    for (var u = lane; u < H; u = u + ${WORKGROUP}) { dhs[u] = 0.0; dcs[u] = 0.0; }
    workgroupBarrier();
    for (var s = 0; s < T; s = s + 1) {
      let t = T - 1 - s;
      let row = b * T + t;
      if (inRange) {
        for (var u = lane; u < H; u = u + ${WORKGROUP}) {
          let at = row * S;
          let i = state[at + u];
          let f = state[at + H + u];
          let g = state[at + 2 * H + u];
          let o = state[at + 3 * H + u];
          let th = tanhOf(state[at + G + u]);
          var before = 0.0;
          if (t > 0) { before = state[at - S + G + u]; }
          let dh = dhs[u] + ${dyAt};
          let dcell = dh * o * (1.0 - th * th) + dcs[u];
          let dz = vec4<f32>(dcell * g * i * (1.0 - i), dcell * before * f * (1.0 - f), dcell * i * (1.0 - g * g), dh * th * o * (1.0 - o));
          for (var q = 0; q < 4; q = q + 1) {
            zs[q * H + u] = dz[q];
            setOutputAtIndex(row * G + q * H + u, dz[q]);
          }
          dcs[u] = dcell * f;
        }
      }
      workgroupBarrier();
      if (inRange) {
        // dL/dh_{t-1} = dL/dz_t · Uᵀ
        for (var k = lane; k < H; k = k + ${WORKGROUP}) {
          var sum = 0.0;
          for (var j = 0; j < G; j = j + 1) { sum = sum + zs[j] * recurrent[k * G + j]; }
          dhs[k] = sum;
        }
      }
      workgroupBarrier();
    }`, `
  var<workgroup> dhs : array<f32, ${units}>;
  var<workgroup> dcs : array<f32, ${units}>;
  var<workgroup> zs : array<f32, ${4 * units}>;`);
  program.shaderKey += sequences ? '_sequences' : '_last';
  return program;
}

export const LSTM_FORWARD = 'DlnetLstmForward';
export const LSTM_BACKWARD = 'DlnetLstmBackward';

/** inputs projected, recurrent → state. */
export function lstmForward({ inputs, backend }: KernelArgs): tf.TensorInfo {
  const units = inputs.recurrent.shape[0];
  return (backend as WebgpuBackend).runWebGPUProgram(forwardProgram(inputs.projected, units), [inputs.projected, inputs.recurrent], 'float32');
}

/** inputs state, dy, recurrent; attrs sequences → dL/dz. */
export function lstmBackward({ inputs, attrs, backend }: KernelArgs): tf.TensorInfo {
  const units = inputs.recurrent.shape[0];
  return (backend as WebgpuBackend).runWebGPUProgram(backwardProgram(inputs.state, units, !!attrs.sequences), [inputs.state, inputs.dy, inputs.recurrent], 'float32');
}
