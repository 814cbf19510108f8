/**
 * Layers TensorFlow.js lacks, as real, serialisable custom layers: roiAlign,
 * primaryCaps, capsules (dynamic routing by agreement), capsuleLength,
 * spatialDropout2d and subtract. Each is registered so that a saved model loads back.
 */
import { tf, tfl } from '../tf';
import { DeviceMasks } from './dropout';
import './dilated-conv'; // registers the trainable dilated Conv1D and Conv2D
import './attention'; // registers selfAttention and positionEmbedding
import './layer-norm'; // registers layerNorm's broadcasting LayerNormalization

type Tensor = tf.Tensor;
type Shape = (number | null)[];
const squashEps = 1e-7;

/** squash(s) = |s|² / (1 + |s|²) · s / |s|, along the last axis: short vectors shrink to 0, long ones to length 1. */
export function squash(s: Tensor): Tensor {
  return tf.tidy(() => {
    const sq = tf.sum(tf.square(s), -1, true);
    return tf.mul(tf.div(sq, tf.add(1, sq)), tf.div(s, tf.sqrt(tf.add(sq, squashEps))));
  });
}

const asList = (x: Tensor | Tensor[]) => (Array.isArray(x) ? x : [x]);

/** Identity whose gradient is zero: routing logits follow the predictions without training them. */
const stopGradient = tf.customGrad(((x: Tensor) => ({ value: x.clone(), gradFunc: (dy: Tensor) => tf.zerosLike(dy) })) as unknown as Parameters<typeof tf.customGrad>[0]) as (x: Tensor) => Tensor;

/**
 * RoIAlign: for each box (y1, x1, y2, x2 in 0..1) of each image, samples the feature map
 * on a regular grid with bilinear interpolation. Built from gathers so gradients flow
 * into the feature map.
 */
export class RoiAlign extends tfl.layers.Layer {
  static className = 'DlnetRoiAlign';
  private readonly size: [number, number];

  constructor(args: { size: [number, number]; name?: string }) {
    super(args);
    this.size = args.size;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [features, boxes] = inputShape as Shape[];
    return [features[0], boxes[1], this.size[0], this.size[1], features[3]];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const [features, boxes] = asList(inputs);
      const [batch, h, w, c] = features.shape as number[];
      const regions = boxes.shape[1] as number;
      const [oh, ow] = this.size;
      // Sample positions: cell centres of an oh x ow grid inside each box, in pixels.
      const frac = (n: number) => tf.div(tf.add(tf.range(0, n, 1, 'float32'), 0.5), n);
      const y1 = boxes.slice([0, 0, 0], [-1, -1, 1]);
      const x1 = boxes.slice([0, 0, 1], [-1, -1, 1]);
      const y2 = boxes.slice([0, 0, 2], [-1, -1, 1]);
      const x2 = boxes.slice([0, 0, 3], [-1, -1, 1]);
      const ys = tf.sub(tf.mul(tf.add(y1, tf.mul(tf.sub(y2, y1), frac(oh).reshape([1, 1, oh]))), h), 0.5); // [B, R, oh]
      const xs = tf.sub(tf.mul(tf.add(x1, tf.mul(tf.sub(x2, x1), frac(ow).reshape([1, 1, ow]))), w), 0.5); // [B, R, ow]
      const yc = tf.clipByValue(ys, 0, h - 1);
      const xc = tf.clipByValue(xs, 0, w - 1);
      const y0 = tf.floor(yc);
      const x0 = tf.floor(xc);
      const y1i = tf.minimum(tf.add(y0, 1), h - 1);
      const x1i = tf.minimum(tf.add(x0, 1), w - 1);
      const wy = tf.sub(yc, y0).reshape([batch, regions, oh, 1, 1]);
      const wx = tf.sub(xc, x0).reshape([batch, regions, 1, ow, 1]);
      const base = tf.mul(tf.range(0, batch, 1, 'float32'), h * w).reshape([batch, 1, 1, 1]);
      const flat = features.reshape([batch * h * w, c]);
      const gather = (yy: Tensor, xx: Tensor) => {
        const idx = tf.add(tf.add(base, tf.mul(yy.reshape([batch, regions, oh, 1]), w)), xx.reshape([batch, regions, 1, ow]));
        return tf.gather(flat, tf.cast(idx, 'int32').reshape([-1])).reshape([batch, regions, oh, ow, c]);
      };
      const top = tf.add(tf.mul(gather(y0, x0), tf.sub(1, wx)), tf.mul(gather(y0, x1i), wx));
      const bottom = tf.add(tf.mul(gather(y1i, x0), tf.sub(1, wx)), tf.mul(gather(y1i, x1i), wx));
      return tf.add(tf.mul(top, tf.sub(1, wy)), tf.mul(bottom, wy));
    });
  }

  override getConfig() {
    return { ...super.getConfig(), size: this.size };
  }
}

/** A convolution whose channels form capsules of `dim` values, squashed: [h, w, c] → [h'·w'·capsules, dim]. */
export class PrimaryCaps extends tfl.layers.Layer {
  static className = 'DlnetPrimaryCaps';
  private readonly capsules: number;
  private readonly dim: number;
  private readonly kernelSize: [number, number];
  private readonly strides: [number, number];
  private readonly seed?: number | null;
  private kernel?: tfl.LayerVariable;
  private bias?: tfl.LayerVariable;

  constructor(args: { capsules: number; dim: number; kernel: [number, number]; strides: [number, number]; seed?: number | null; name?: string }) {
    super(args);
    this.capsules = args.capsules;
    this.dim = args.dim;
    this.kernelSize = args.kernel;
    this.strides = args.strides;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const channels = (inputShape as Shape)[3] as number;
    const out = this.capsules * this.dim;
    this.kernel = this.addWeight('kernel', [this.kernelSize[0], this.kernelSize[1], channels, out], 'float32', tfl.initializers.glorotUniform({ seed: this.seed ?? undefined }));
    this.bias = this.addWeight('bias', [out], 'float32', tfl.initializers.zeros());
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    const [b, h, w] = inputShape as Shape;
    const oh = Math.floor(((h as number) - this.kernelSize[0]) / this.strides[0]) + 1;
    const ow = Math.floor(((w as number) - this.kernelSize[1]) / this.strides[1]) + 1;
    return [b, oh * ow * this.capsules, this.dim];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = asList(inputs)[0] as tf.Tensor4D;
      const conv = tf.add(tf.conv2d(x, this.kernel!.read() as tf.Tensor4D, this.strides, 'valid'), this.bias!.read());
      return squash(conv.reshape([x.shape[0], -1, this.dim]));
    });
  }

  override getConfig() {
    return { ...super.getConfig(), capsules: this.capsules, dim: this.dim, kernel: this.kernelSize, strides: this.strides, seed: this.seed ?? null };
  }
}

/**
 * Capsules fed by dynamic routing by agreement (Sabour, Frosst & Hinton 2017):
 * predictions û = W·u for every input/output pair; coupling coefficients from a
 * softmax over logits that grow where predictions agree with the squashed output.
 */
export class Capsules extends tfl.layers.Layer {
  static className = 'DlnetCapsules';
  private readonly count: number;
  private readonly dim: number;
  private readonly routing: number;
  private readonly seed?: number | null;
  private weights_?: tfl.LayerVariable;

  constructor(args: { count: number; dim: number; routing: number; seed?: number | null; name?: string }) {
    super(args);
    this.count = args.count;
    this.dim = args.dim;
    this.routing = args.routing;
    this.seed = args.seed;
  }

  override build(inputShape: Shape | Shape[]): void {
    const [, n, d] = inputShape as number[];
    this.weights_ = this.addWeight('W', [n, d, this.count * this.dim], 'float32', tfl.initializers.glorotUniform({ seed: this.seed ?? undefined }));
    this.built = true;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return [(inputShape as Shape)[0], this.count, this.dim];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const u = asList(inputs)[0]; // [B, N, D]
      const [batch, n] = u.shape as number[];
      // û[b, i, j, :] = u[b, i, :] · W[i, :, j·dim:(j+1)·dim]  → batched over i.
      const uT = tf.transpose(u, [1, 0, 2]); // [N, B, D]
      const uHat = tf.transpose(tf.matMul(uT, this.weights_!.read() as tf.Tensor3D), [1, 0, 2]).reshape([batch, n, this.count, this.dim]);
      const uHatStopped = stopGradient(uHat);
      let logits: Tensor = tf.zeros([batch, n, this.count]);
      let v: Tensor = tf.zeros([batch, this.count, this.dim]);
      for (let r = 0; r < this.routing; r++) {
        const c = tf.softmax(logits, 2).expandDims(3); // [B, N, count, 1]
        const last = r === this.routing - 1;
        const s = tf.sum(tf.mul(c, last ? uHat : uHatStopped), 1); // [B, count, dim]
        v = squash(s);
        if (!last) logits = tf.add(logits, tf.sum(tf.mul(uHatStopped, v.expandDims(1)), 3));
      }
      return v;
    });
  }

  override getConfig() {
    return { ...super.getConfig(), count: this.count, dim: this.dim, routing: this.routing, seed: this.seed ?? null };
  }
}

/** The length of each capsule vector: [n, dim] → [n]. */
export class CapsuleLength extends tfl.layers.Layer {
  static className = 'DlnetCapsuleLength';

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape).slice(0, -1);
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => tf.sqrt(tf.add(tf.sum(tf.square(asList(inputs)[0]), -1), squashEps)));
  }
}

/** Drops whole channels of an image [h, w, c] while training. */
export class SpatialDropout2d extends tfl.layers.Layer {
  static className = 'DlnetSpatialDropout2d';
  private readonly rate: number;
  /** On webgpu the masks are drawn on the device (a replayed step can repeat that), from the seed. */
  private readonly device: DeviceMasks;

  constructor(args: { rate: number; name?: string; seed?: number }) {
    super(args);
    this.rate = args.rate;
    this.device = new DeviceMasks(args.seed);
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  override call(inputs: Tensor | Tensor[], kwargs: { training?: boolean }): Tensor {
    return tf.tidy(() => {
      const x = asList(inputs)[0];
      if (!kwargs.training || this.rate === 0) return x.clone();
      const [b, , , c] = x.shape as number[];
      const onDevice = this.device.drop(x, this.rate, [b, 1, 1, c]);
      if (onDevice) return onDevice;
      const keep = 1 - this.rate;
      const mask = tf.floor(tf.add(tf.randomUniform([b, 1, 1, c]), keep));
      return tf.div(tf.mul(x, mask), keep);
    });
  }

  override dispose(): ReturnType<tfl.layers.Layer['dispose']> {
    return this.device.releasedWith(super.dispose());
  }

  override getConfig() {
    return { ...super.getConfig(), rate: this.rate };
  }
}

/** The first tensor minus the second (tfjs-layers has no subtract layer). */
export class Subtract extends tfl.layers.Layer {
  static className = 'DlnetSubtract';

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return (inputShape as Shape[])[0];
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const [a, b] = asList(inputs);
      return tf.sub(a, b);
    });
  }
}

/** Softmax over any axis: tfjs's softmax takes only the last one. The axis counts the batch axis, as tfjs's do. */
export class AxisSoftmax extends tfl.layers.Layer {
  static className = 'DlnetAxisSoftmax';
  private readonly axis: number;

  constructor(args: { axis: number; name?: string }) {
    super(args);
    this.axis = args.axis;
  }

  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  override call(inputs: Tensor | Tensor[]): Tensor {
    return tf.tidy(() => {
      const x = asList(inputs)[0];
      const shifted = tf.sub(x, tf.max(x, this.axis, true));
      const e = tf.exp(shifted);
      return tf.div(e, tf.sum(e, this.axis, true));
    });
  }

  override getConfig() {
    return { ...super.getConfig(), axis: this.axis };
  }
}

type SeparableArgs = Parameters<typeof tfl.layers.separableConv2d>[0];
const SeparableBase = Object.getPrototypeOf(tfl.layers.separableConv2d({ filters: 1, kernelSize: 1 })).constructor as new (args: SeparableArgs) => tfl.layers.Layer & { depthMultiplier: number };

/**
 * tfjs's SeparableConv2D leaves depthMultiplier out of its config, so a saved model
 * with depthMultiplier > 1 does not load back. Registered under tfjs's class name, this
 * one writes it, and reads models saved either way.
 */
export class SeparableConv2d extends SeparableBase {
  static className = 'SeparableConv2D';

  override getConfig() {
    return { ...super.getConfig(), depthMultiplier: this.depthMultiplier };
  }
}

for (const cls of [RoiAlign, PrimaryCaps, Capsules, CapsuleLength, SpatialDropout2d, Subtract, AxisSoftmax, SeparableConv2d as unknown as typeof Subtract]) tf.serialization.registerClass(cls);
