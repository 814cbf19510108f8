/**
 * Training kernels the wasm backend lacks, composed from kernels it has, so that
 * models train on wasm instead of falling back to plain JavaScript.
 *
 * Conv2DBackpropFilter: dW[kh, kw, ci, co] = Σ_b,i,j x[b, i·s + kh, j·s + kw, ci] · dy[b, i, j, co]
 * is itself a convolution — of the (padded) input with its channels as the batch and
 * its batch as the channels, by dy used as a filter dilated by the stride.
 *
 *
 * The depthwise-convolution gradients are the full convolution gradients restricted to
 * each channel's own filters: the input gradient is a transposed convolution by a
 * block-diagonal filter (zero between channels), the filter gradient the diagonal of
 * the full filter gradient above. That costs `channels` times the arithmetic of a
 * dedicated kernel, all of it in wasm rather than in JavaScript.
 *
 * UnsortedSegmentSum (the gradient of gather: embeddings, roiAlign) is a scatter-add,
 * and the wasm ScatterNd kernel adds duplicate indices.
 *
 * The engine accepts a Tensor returned from a kernel as the kernel's output, so a
 * kernel may be written with ops; tidy frees the intermediates.
 */
import { tf } from '../tf';
import { registerFasterWasmKernels } from './wasm-faster';

const registered = new Set<string>();

function conv2dBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: Record<string, unknown>): tf.Tensor4D {
  const filterShape = attrs.filterShape as [number, number, number, number];
  const strides = attrs.strides as number | [number, number];
  const pad = attrs.pad as 'valid' | 'same' | number;
  const info = tf.backend_util.computeConv2DInfo(x.shape, filterShape, strides, 1, pad as 'valid', attrs.dimRoundingMode as 'floor' | undefined);
  const { top, bottom, left, right } = info.padInfo;
  const padded = top || bottom || left || right ? tf.pad(x, [[0, 0], [top, bottom], [left, right], [0, 0]]) : x;
  const [kh, kw] = filterShape;
  // Only the rows and columns the forward pass reached: the rest contribute nothing.
  const needH = (info.outHeight - 1) * info.strideHeight + kh;
  const needW = (info.outWidth - 1) * info.strideWidth + kw;
  const cropped = padded.slice([0, 0, 0, 0], [-1, needH, needW, -1]);
  const channelsAsBatch = tf.transpose(cropped, [3, 1, 2, 0]) as tf.Tensor4D; // [ci, H, W, b]
  const dyAsFilter = tf.transpose(dy, [1, 2, 0, 3]) as tf.Tensor4D; // [oh, ow, b, co]
  const r = tf.conv2d(channelsAsBatch, dyAsFilter, 1, 'valid', 'NHWC', [info.strideHeight, info.strideWidth]); // [ci, kh, kw, co]
  return tf.transpose(r, [1, 2, 0, 3]) as tf.Tensor4D;
}

/** 1 where input channel i meets its own outputs i·m..i·m+m-1, as [1, 1, c, c, 1]: the depthwise part of a full filter. */
const ownChannels = (c: number) => tf.reshape(tf.eye(c), [1, 1, c, c, 1]);

/** [kh, kw, c, m] → [kh, kw, c, c·m], zero except W[:, :, i, i·m + j] = F[:, :, i, j]. */
function blockDiagonal(filter: tf.Tensor4D): tf.Tensor4D {
  const [kh, kw, c, m] = filter.shape;
  return tf.reshape(tf.mul(tf.reshape(filter, [kh, kw, c, 1, m]), ownChannels(c)), [kh, kw, c, c * m]) as tf.Tensor4D;
}

function depthwiseAttrs(attrs: Record<string, unknown>) {
  const dilations = attrs.dilations as number | [number, number] | undefined;
  if (dilations !== undefined && (Array.isArray(dilations) ? dilations.some((d) => d !== 1) : dilations !== 1)) {
    throw new Error('the wasm depthwise-convolution gradients support dilation 1 only');
  }
  return { strides: attrs.strides as [number, number], pad: attrs.pad as 'valid' | 'same', dimRoundingMode: attrs.dimRoundingMode as 'floor' | undefined };
}

function depthwiseBackpropInput(dy: tf.Tensor4D, filter: tf.Tensor4D, attrs: Record<string, unknown>): tf.Tensor4D {
  const { strides, pad, dimRoundingMode } = depthwiseAttrs(attrs);
  const inputShape = attrs.inputShape as [number, number, number, number];
  return tf.conv2dTranspose(dy, blockDiagonal(filter), inputShape, strides, pad, dimRoundingMode);
}

function depthwiseBackpropFilter(x: tf.Tensor4D, dy: tf.Tensor4D, attrs: Record<string, unknown>): tf.Tensor4D {
  const { strides, pad, dimRoundingMode } = depthwiseAttrs(attrs);
  const [kh, kw, c, m] = attrs.filterShape as [number, number, number, number];
  const full = conv2dBackpropFilter(x, dy, { filterShape: [kh, kw, c, c * m], strides, pad, dimRoundingMode }); // [kh, kw, c, c·m]
  return tf.sum(tf.mul(tf.reshape(full, [kh, kw, c, c, m]), ownChannels(c)), 3) as tf.Tensor4D;
}

function unsortedSegmentSum(x: tf.Tensor, segmentIds: tf.Tensor, numSegments: number): tf.Tensor {
  const ids = segmentIds.dtype === 'int32' ? segmentIds : tf.cast(segmentIds, 'int32');
  return tf.scatterND(tf.reshape(ids, [-1, 1]), x, [numSegments, ...x.shape.slice(1)]);
}

type Inputs = Record<string, tf.Tensor>;
type Attrs = Record<string, unknown>;

/** Each composite kernel, from the kernel's named inputs and attributes. */
const composites: Record<string, (inputs: Inputs, attrs: Attrs) => tf.Tensor> = {
  Conv2DBackpropFilter: (i, a) => conv2dBackpropFilter(i.x as tf.Tensor4D, i.dy as tf.Tensor4D, a),
  DepthwiseConv2dNativeBackpropInput: (i, a) => depthwiseBackpropInput(i.dy as tf.Tensor4D, i.filter as tf.Tensor4D, a),
  DepthwiseConv2dNativeBackpropFilter: (i, a) => depthwiseBackpropFilter(i.x as tf.Tensor4D, i.dy as tf.Tensor4D, a),
  UnsortedSegmentSum: (i, a) => unsortedSegmentSum(i.x, i.segmentIds, a.numSegments as number),
};

/** Registers the composite kernels for the wasm backend (once), and the faster paths of wasm-faster.ts. Returns the composites' names. */
export function registerWasmKernels(): string[] {
  for (const [kernelName, compute] of Object.entries(composites)) {
    if (registered.has(kernelName)) continue;
    tf.registerKernel({
      kernelName,
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => tf.tidy(() => compute(inputs as unknown as Inputs, attrs as Attrs)) as unknown as tf.TensorInfo,
    });
    registered.add(kernelName);
  }
  // After the composites: a faster path may stand in front of one of them too.
  registerFasterWasmKernels();
  return [...registered];
}
