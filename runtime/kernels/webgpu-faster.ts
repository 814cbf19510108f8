/**
 * Faster kernels for tfjs's webgpu backend, where its own leave most of a GPU idle.
 *
 * Conv2DBackpropFilter: tfjs runs one GPU thread per filter value, and that thread sums
 * over every example and output pixel in turn — for a 3x3x3→32 convolution on a batch of
 * 128 32x32 images, 864 threads of 131,072 multiply-adds each, on a chip that keeps
 * 270,000 threads in flight. Here it is a matrix product split over the positions: pass
 * one gives each workgroup a block of the filter gradient and a run of positions, loads
 * x's patches and dy's rows for 16 positions at a time into workgroup memory (each value
 * loaded once serves 32 products) and writes its part sums; pass two adds the parts, one
 * workgroup per filter value. Same products, summed in another order (float rounding
 * differs, as between any two reductions).
 *
 * Sum over leading axes (bias gradients): split over rows, then the parts added.
 *
 * Conv2DBackpropInput: tfjs's own matrix-product program instead of its default one
 * thread per input value (its flag WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE, which tfjs leaves on
 * with "TODO: experiment"): on an H200 the 32x32 CNN's two input gradients took 0.59 ms of
 * device time with the default and 0.33 ms with it, the whole replayed step 2.10 → 1.84 ms.
 *
 * DlnetLstmForward / DlnetLstmBackward: an LSTM's recurrence (./webgpu-lstm.ts).
 *
 * DlnetDropoutMask: dropout's mask drawn on the device (./webgpu-dropout.ts).
 *
 * DLNET_WEBGPU_KERNELS=tfjs keeps tfjs's kernels (to compare; docs/performance.md).
 */
import { tf } from '../tf';
import { dropoutMask, DROPOUT_MASK } from './webgpu-dropout';
import { lstmBackward, lstmForward, LSTM_BACKWARD, LSTM_FORWARD } from './webgpu-lstm';
import { flatLayout, linearWorkgroup, perValue, webgpuExtras, WORKGROUP, type KernelArgs, type Program, type Uniform, type WebgpuBackend } from './webgpu-program';

/** The filter gradient as a matrix product, dW[m, n] = Σₚ A[p, m]·dy[p, n] over the positions p (example, output row, output column), A being x's patches: a workgroup computes a TILE×TILE block of dW over a run of positions, STEP positions at a time through workgroup memory. */
const TILE = 32;
const STEP = 16;
/** Workgroups the first pass aims for, to fill a large GPU; and the fewest positions one is given. */
const WORKGROUPS = 4096;
const MIN_POSITIONS = 256;

/**
 * Pass one: part sums [splits, kh·kw·ci, co] of the filter gradient, each over a run of
 * `perSplit` positions; a workgroup of 256 threads per (part, block of dW), each thread
 * 2×2 values of the block. A block's rows (taps·channels) are consecutive in x's last
 * axis and its columns in dy's, so the loads into workgroup memory are contiguous.
 */
function partSums(outputShape: number[], workgroups: number): Program {
  return {
    ...flatLayout(outputShape, workgroups),
    workgroupSize: [256, 1, 1],
    variableNames: ['x', 'dy'],
    shaderKey: 'dlnetConv2DFilterTiles',
    uniforms: 'pads : vec2<i32>, strides : vec2<i32>, kw : i32, taps : i32, positions : i32, perSplit : i32,',
    getUserCode: () => `
  var<workgroup> patches : array<f32, ${STEP * TILE}>;
  var<workgroup> grads : array<f32, ${STEP * TILE}>;
  fn main(index : i32) {
    let inH = uniforms.xShape[1];
    let inW = uniforms.xShape[2];
    let ci = uniforms.xShape[3];
    let outH = uniforms.dyShape[1];
    let outW = uniforms.dyShape[2];
    let M = uniforms.taps;
    let N = uniforms.dyShape[3];
    let blocksN = (N + ${TILE - 1}) / ${TILE};
    let blocks = ((M + ${TILE - 1}) / ${TILE}) * blocksN;
    let group = ${linearWorkgroup};
    let split = group / blocks;
    let m0 = ((group % blocks) / blocksN) * ${TILE};
    let n0 = (group % blocksN) * ${TILE};
    let t = i32(localIndex);
    let first = split * uniforms.perSplit;
    let last = min(first + uniforms.perSplit, uniforms.positions);
    // What this thread loads: column i of the block, at rows k and k + 8 of each round's 16 positions; its patch value's tap and channel, once.
    let i = t % ${TILE};
    let k = t / ${TILE};
    let loadsPatch = m0 + i < M;
    let loadsGrad = n0 + i < N;
    let channel = (m0 + i) % ci;
    let tap = (m0 + i) / ci;
    let tapR = tap / uniforms.kw - uniforms.pads[0];
    let tapC = tap % uniforms.kw - uniforms.pads[1];
    // What this thread sums: rows tm, tm + 1 and columns tn, tn + 1 of the block.
    let tm = (t / 16) * 2;
    let tn = (t % 16) * 2;
    var s00 = 0.0; var s01 = 0.0; var s10 = 0.0; var s11 = 0.0;
    // As many rounds in every workgroup (barriers need uniform control flow); the last part's extra positions load zeros.
    for (var round = 0; round < uniforms.perSplit; round = round + ${STEP}) {
      for (var j = 0; j < ${STEP * TILE / 256}; j = j + 1) {
        let e = (k + j * ${256 / TILE}) * ${TILE} + i;
        let p = first + round + k + j * ${256 / TILE};
        var a = 0.0;
        var g = 0.0;
        if (p < last) {
          let row = p / outW;
          let xR = (row % outH) * uniforms.strides[0] + tapR;
          let xC = (p - row * outW) * uniforms.strides[1] + tapC;
          if (loadsPatch && xR >= 0 && xR < inH && xC >= 0 && xC < inW) { a = x[(((row / outH) * inH + xR) * inW + xC) * ci + channel]; }
          if (loadsGrad) { g = dy[p * N + n0 + i]; }
        }
        patches[e] = a;
        grads[e] = g;
      }
      workgroupBarrier();
      for (var q = 0; q < ${STEP}; q = q + 1) {
        let a0 = patches[q * ${TILE} + tm];
        let a1 = patches[q * ${TILE} + tm + 1];
        let g0 = grads[q * ${TILE} + tn];
        let g1 = grads[q * ${TILE} + tn + 1];
        s00 = s00 + a0 * g0;
        s01 = s01 + a0 * g1;
        s10 = s10 + a1 * g0;
        s11 = s11 + a1 * g1;
      }
      workgroupBarrier();
    }
    let m = m0 + tm;
    let n = n0 + tn;
    let base = split * M * N;
    if (m < M && n < N) { setOutputAtIndex(base + m * N + n, s00); }
    if (m < M && n + 1 < N) { setOutputAtIndex(base + m * N + n + 1, s01); }
    if (m + 1 < M && n < N) { setOutputAtIndex(base + (m + 1) * N + n, s10); }
    if (m + 1 < M && n + 1 < N) { setOutputAtIndex(base + (m + 1) * N + n + 1, s11); }
  }`,
  };
}

/** Pass two (of the filter gradient and of column sums): each value of the output the sum of its `splits` parts [splits, ...outputShape], by one workgroup. */
function sumOfParts(outputShape: number[]): Program {
  return {
    ...flatLayout(outputShape, tf.util.sizeFromShape(outputShape)),
    variableNames: ['parts'],
    shaderKey: 'dlnetSumOfParts',
    uniforms: 'splits : i32,',
    getUserCode: () => `
  var<workgroup> lanes : array<f32, ${WORKGROUP}>;
  fn main(index : i32) {
    let value = ${linearWorkgroup};
    let lane = i32(localIndex);
    var sum = 0.0;
    if (value < uniforms.size) {
      for (var s = lane; s < uniforms.splits; s = s + ${WORKGROUP}) {
        sum = sum + parts[s * uniforms.size + value];
      }
    }
    lanes[lane] = sum;
    workgroupBarrier();
    for (var width = ${WORKGROUP / 2}; width > 0; width = width / 2) {
      if (lane < width) { lanes[lane] = lanes[lane] + lanes[lane + width]; }
      workgroupBarrier();
    }
    if (lane == 0 && value < uniforms.size) { setOutputAtIndex(value, lanes[0]); }
  }`,
  };
}

/** How the positions are split: enough workgroups to fill a GPU, each with at least MIN_POSITIONS positions; `blocks` is dW's count of TILE×TILE blocks. */
export function filterGradientSplits(positions: number, blocks: number): { splits: number; perSplit: number } {
  const wanted = Math.max(1, Math.min(Math.ceil(positions / MIN_POSITIONS), Math.ceil(WORKGROUPS / blocks)));
  const perSplit = Math.ceil(positions / wanted / STEP) * STEP;
  return { splits: Math.ceil(positions / perSplit), perSplit };
}

/** dW's count of TILE×TILE blocks for a filter [kh, kw, ci, co]. */
export const filterBlocks = ([kh, kw, ci, co]: number[]) => Math.ceil((kh * kw * ci) / TILE) * Math.ceil(co / TILE);

function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo | undefined {
  const { x, dy } = args.inputs;
  const attrs = args.attrs;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || x.dtype !== 'float32') return undefined;
  const filterShape = attrs.filterShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, attrs.strides as [number, number], 1, attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined);
  const [kh, kw, ci, co] = filterShape;
  const positions = info.batchSize * info.outHeight * info.outWidth;
  const blocks = filterBlocks(filterShape);
  const { splits, perSplit } = filterGradientSplits(positions, blocks);
  const backend = args.backend as WebgpuBackend;
  const uniforms: Uniform[] = [
    { type: 'int32', data: [info.padInfo.top, info.padInfo.left] },
    { type: 'int32', data: [info.strideHeight, info.strideWidth] },
    { type: 'int32', data: [kw] },
    { type: 'int32', data: [kh * kw * ci] },
    { type: 'int32', data: [positions] },
    { type: 'int32', data: [perSplit] },
  ];
  if (splits === 1) return backend.runWebGPUProgram(partSums(filterShape, blocks), [x, dy], 'float32', uniforms);
  const parts = backend.runWebGPUProgram(partSums([splits, kh * kw * ci, co], blocks * splits), [x, dy], 'float32', uniforms);
  const summed = backend.runWebGPUProgram(sumOfParts(filterShape), [parts], 'float32', [{ type: 'int32', data: [splits] }]);
  backend.disposeData(parts.dataId);
  return summed;
}

/** Threads the first pass of a column sum aims for, and the fewest rows a thread is given. */
const SUM_THREADS = 1 << 18;
const SUM_ROWS = 64;

/** Pass one of a column sum of x as [rows, columns]: part sums [splits, ...outputShape], each over `rowsPerSplit` rows, a thread per part and column (neighbouring threads read neighbouring values). */
function columnParts(outputShape: number[]): Program {
  return {
    ...perValue(outputShape),
    variableNames: ['x'],
    shaderKey: 'dlnetColumnParts',
    uniforms: 'columns : i32, rows : i32, rowsPerSplit : i32,',
    getUserCode: () => `
  fn main(index : i32) {
    if (index >= uniforms.size) { return; }
    let column = index % uniforms.columns;
    let first = (index / uniforms.columns) * uniforms.rowsPerSplit;
    let last = min(first + uniforms.rowsPerSplit, uniforms.rows);
    var sum = 0.0;
    for (var r = first; r < last; r = r + 1) { sum = sum + x[r * uniforms.columns + column]; }
    setOutputAtIndex(index, sum);
  }`,
  };
}

/**
 * Sum over leading axes (a bias's gradient: dy summed over examples, rows and columns).
 * tfjs transposes the reduced axes last and gives each output one workgroup, 32 of them
 * for a 32-channel convolution over 131,072 positions; here the rows are split into parts
 * summed by many threads, then the parts added. Other sums are tfjs's.
 */
function sumLeadingAxes(args: KernelArgs): tf.TensorInfo | undefined {
  const { x } = args.inputs;
  const axes = tf.util.parseAxisParam(args.attrs.axis as number | number[], x.shape);
  const k = axes.length;
  if (x.dtype !== 'float32' || k === 0 || k >= x.shape.length || [...axes].sort((a, b) => a - b).some((a, i) => a !== i)) return undefined;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, k));
  const columns = tf.util.sizeFromShape(x.shape.slice(k));
  if (rows < 2 * SUM_ROWS || columns === 0) return undefined;
  const outShape = args.attrs.keepDims ? x.shape.map((n, i) => (i < k ? 1 : n)) : x.shape.slice(k);
  const splits = Math.max(1, Math.min(Math.floor(rows / SUM_ROWS), Math.ceil(SUM_THREADS / columns)));
  const rowsPerSplit = Math.ceil(rows / splits);
  const parts = Math.ceil(rows / rowsPerSplit);
  const backend = args.backend as WebgpuBackend;
  const uniforms: Uniform[] = [{ type: 'int32', data: [columns] }, { type: 'int32', data: [rows] }, { type: 'int32', data: [rowsPerSplit] }];
  if (parts === 1) return backend.runWebGPUProgram(columnParts(outShape), [x], 'float32', uniforms);
  const partial = backend.runWebGPUProgram(columnParts([parts, columns]), [x], 'float32', uniforms);
  const summed = backend.runWebGPUProgram(sumOfParts(outShape), [partial], 'float32', [{ type: 'int32', data: [parts] }]);
  backend.disposeData(partial.dataId);
  return summed;
}

type Kernel = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[] | undefined;
/** Kernels that take tfjs's place where they apply (tfjs's runs where they return undefined). */
const faster: Record<string, Kernel> = { Conv2DBackpropFilter: conv2dBackpropFilter, Sum: sumLeadingAxes };
/** Kernels of dlnet's own. */
const own: Record<string, Kernel> = { [LSTM_FORWARD]: lstmForward, [LSTM_BACKWARD]: lstmBackward, [DROPOUT_MASK]: dropoutMask };

/** Replaces these webgpu kernels by dlnet's and adds dlnet's own (once per process), unless DLNET_WEBGPU_KERNELS=tfjs. */
export function registerFasterWebgpuKernels(): void {
  if (!webgpuExtras().on) return;
  tf.env().set('WEBGPU_USE_NAIVE_CONV2D_TRANSPOSE', false);
  for (const [kernelName, kernel] of Object.entries(faster)) {
    const original = tf.getKernel(kernelName, 'webgpu');
    if (!original || (original as { dlnet?: boolean }).dlnet) continue;
    tf.unregisterKernel(kernelName, 'webgpu');
    const kernelFunc = (args: Parameters<tf.KernelFunc>[0]) => kernel(args as unknown as KernelArgs) ?? original.kernelFunc(args);
    tf.registerKernel({ ...original, kernelFunc, dlnet: true } as tf.KernelConfig);
  }
  for (const [kernelName, kernel] of Object.entries(own)) {
    if (!tf.getKernel(kernelName, 'webgpu')) tf.registerKernel({ kernelName, backendName: 'webgpu', kernelFunc: kernel as unknown as tf.KernelFunc });
  }
}
