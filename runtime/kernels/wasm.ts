/**
 * Training kernels the wasm backend lacks, composed from kernels it has, so that
 * models train on wasm instead of falling back to plain JavaScript.
 *
 * Conv2DBackpropFilter: dW[kh, kw, ci, co] = Σ_b,i,j x[b, i·s + kh, j·s + kw, ci] · dy[b, i, j, co]
 * is itself a convolution — of the (padded) input with its channels as the batch and
 * its batch as the channels, by dy used as a filter dilated by the stride.
 *
 *
 * UnsortedSegmentSum (the gradient of gather: embeddings, roiAlign) is a scatter-add,
 * and the wasm ScatterNd kernel adds duplicate indices.
 *
 * The engine accepts a Tensor returned from a kernel as the kernel's output, so a
 * kernel may be written with ops; tidy frees the intermediates.
 */
import { tf } from '../tf';

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

function unsortedSegmentSum(x: tf.Tensor, segmentIds: tf.Tensor, numSegments: number): tf.Tensor {
  const ids = segmentIds.dtype === 'int32' ? segmentIds : tf.cast(segmentIds, 'int32');
  return tf.scatterND(tf.reshape(ids, [-1, 1]), x, [numSegments, ...x.shape.slice(1)]);
}

/** Registers the composite kernels for the wasm backend (once). Returns their names. */
export function registerWasmKernels(): string[] {
  if (!registered.has('Conv2DBackpropFilter')) {
    tf.registerKernel({
      kernelName: 'Conv2DBackpropFilter',
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => tf.tidy(() => conv2dBackpropFilter(inputs.x as tf.Tensor4D, inputs.dy as tf.Tensor4D, attrs as Record<string, unknown>)) as unknown as tf.TensorInfo,
    });
    registered.add('Conv2DBackpropFilter');
  }
  if (!registered.has('UnsortedSegmentSum')) {
    tf.registerKernel({
      kernelName: 'UnsortedSegmentSum',
      backendName: 'wasm',
      kernelFunc: ({ inputs, attrs }) => tf.tidy(() => unsortedSegmentSum(inputs.x as tf.Tensor, inputs.segmentIds as tf.Tensor, (attrs as { numSegments: number }).numSegments)) as unknown as tf.TensorInfo,
    });
    registered.add('UnsortedSegmentSum');
  }
  return [...registered];
}

