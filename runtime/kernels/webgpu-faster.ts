/**
 * Faster kernels for tfjs's webgpu backend, where its own leave most of a GPU idle.
 *
 * Conv2DBackpropFilter: tfjs runs one GPU thread per filter value, and that thread sums
 * over every example and output pixel in turn — for a 3x3x3→32 convolution on a batch of
 * 128 32x32 images, 864 threads of 131,072 multiply-adds each, on a chip that keeps
 * 270,000 threads in flight. Here the sum is split: pass one gives each thread a run of
 * rows of dy (about ITERATIONS multiply-adds) for one filter value, and writes its part
 * sum; pass two adds the parts, one workgroup per filter value. Same products, summed in
 * another order (float rounding differs, as between any two reductions).
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

/** Threads the first pass aims for: enough to fill a large GPU. */
const THREADS = 1 << 18;
/** The fewest multiply-adds a thread of the first pass is given, so that splitting stays worth its parts. */
const ITERATIONS = 64;


/** WGSL's i32 division truncates; these round down and up (b > 0). */
const DIVISION = `
  fn floorDiv(a : i32, b : i32) -> i32 { return select(a / b, (a - b + 1) / b, a < 0); }
  fn ceilDiv(a : i32, b : i32) -> i32 { return -floorDiv(-a, b); }`;

/** Pass one: part sums [splits, kh·kw·ci, co] of the filter gradient, each over `rowsPerSplit` rows (example, output row) of dy. */
function partSums(outputShape: number[]): Program {
  return {
    ...perValue(outputShape),
    variableNames: ['x', 'dy'],
    shaderKey: 'dlnetConv2DFilterParts',
    uniforms: 'pads : vec2<i32>, strides : vec2<i32>, kw : i32, taps : i32, rows : i32, rowsPerSplit : i32,',
    getUserCode: () => `${DIVISION}
  fn main(index : i32) {
    if (index >= uniforms.size) { return; }
    let inH = uniforms.xShape[1];
    let inW = uniforms.xShape[2];
    let ci = uniforms.xShape[3];
    let outH = uniforms.dyShape[1];
    let outW = uniforms.dyShape[2];
    let co = uniforms.dyShape[3];
    let d2 = index % co;
    let rest = index / co;
    let tap = rest % uniforms.taps;
    let split = rest / uniforms.taps;
    let d1 = tap % ci;
    let wC = (tap / ci) % uniforms.kw;
    let wR = (tap / ci) / uniforms.kw;
    // The output columns whose input column wC + yC·stride - pad lies inside the image.
    let sw = uniforms.strides[1];
    let yC0 = max(0, ceilDiv(uniforms.pads[1] - wC, sw));
    let yC1 = min(outW, floorDiv(inW - 1 + uniforms.pads[1] - wC, sw) + 1);
    let first = split * uniforms.rowsPerSplit;
    let last = min(first + uniforms.rowsPerSplit, uniforms.rows);
    var sum = 0.0;
    for (var r = first; r < last; r = r + 1) {
      let b = r / outH;
      let xR = wR + (r - b * outH) * uniforms.strides[0] - uniforms.pads[0];
      if (xR < 0 || xR >= inH) { continue; }
      var xi = ((b * inH + xR) * inW + wC + yC0 * sw - uniforms.pads[1]) * ci + d1;
      var di = (r * outW + yC0) * co + d2;
      for (var yC = yC0; yC < yC1; yC = yC + 1) {
        sum = sum + x[xi] * dy[di];
        xi = xi + sw * ci;
        di = di + co;
      }
    }
    setOutputAtIndex(index, sum);
  }`,
  };
}

/** Pass two: the filter gradient, each value the sum of its `splits` parts, by one workgroup. */
function sumOfParts(filterShape: number[]): Program {
  return {
    ...flatLayout(filterShape, tf.util.sizeFromShape(filterShape)),
    variableNames: ['parts'],
    shaderKey: 'dlnetConv2DFilterSum',
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

/** How the rows (example, output row) of dy are split: enough threads, each with enough work. */
export function filterGradientSplits(rows: number, outWidth: number, filterValues: number): { splits: number; rowsPerSplit: number } {
  const wanted = Math.max(1, Math.min(rows, Math.ceil(THREADS / filterValues), Math.floor((rows * outWidth) / ITERATIONS)));
  const rowsPerSplit = Math.ceil(rows / wanted);
  return { splits: Math.ceil(rows / rowsPerSplit), rowsPerSplit };
}

function conv2dBackpropFilter(args: KernelArgs): tf.TensorInfo | undefined {
  const { x, dy } = args.inputs;
  const attrs = args.attrs;
  if ((attrs.dataFormat ?? 'NHWC') !== 'NHWC' || x.dtype !== 'float32') return undefined;
  const filterShape = attrs.filterShape as [number, number, number, number];
  const info = tf.backend_util.computeConv2DInfo(x.shape as [number, number, number, number], filterShape, attrs.strides as [number, number], 1, attrs.pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined);
  const [kh, kw, ci, co] = filterShape;
  const rows = info.batchSize * info.outHeight;
  const { splits, rowsPerSplit } = filterGradientSplits(rows, info.outWidth, kh * kw * ci * co);
  const backend = args.backend as WebgpuBackend;
  const uniforms: Uniform[] = [
    { type: 'int32', data: [info.padInfo.top, info.padInfo.left] },
    { type: 'int32', data: [info.strideHeight, info.strideWidth] },
    { type: 'int32', data: [kw] },
    { type: 'int32', data: [kh * kw * ci] },
    { type: 'int32', data: [rows] },
    { type: 'int32', data: [rowsPerSplit] },
  ];
  if (splits === 1) return backend.runWebGPUProgram(partSums(filterShape), [x, dy], 'float32', uniforms);
  const parts = backend.runWebGPUProgram(partSums([splits, kh * kw * ci, co]), [x, dy], 'float32', uniforms);
  const summed = backend.runWebGPUProgram(sumOfParts(filterShape), [parts], 'float32', [{ type: 'int32', data: [splits] }]);
  backend.disposeData(parts.dataId);
  return summed;
}

type Kernel = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[] | undefined;
/** Kernels that take tfjs's place where they apply (tfjs's runs where they return undefined). */
const faster: Record<string, Kernel> = { Conv2DBackpropFilter: conv2dBackpropFilter };
/** Kernels of dlnet's own. */
const own: Record<string, Kernel> = { [LSTM_FORWARD]: lstmForward, [LSTM_BACKWARD]: lstmBackward, [DROPOUT_MASK]: dropoutMask };

/** Replaces these webgpu kernels by dlnet's and adds dlnet's own (once per process), unless DLNET_WEBGPU_KERNELS=tfjs. */
export function registerFasterWebgpuKernels(): void {
  if (!webgpuExtras().on) return;
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
