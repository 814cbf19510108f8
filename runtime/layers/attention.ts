/**
 * The attention family's layers: multi-head self-attention (`selfAttention`), a trainable, serialisable layer built from
 * matMul, softmax and transposes, whose gradients every backend has: TensorFlow.js's own
 * MultiHeadAttention is not exported, and computes with einsum, which has no gradient there.
 * Weights as Keras lays them out, one kernel [d, heads·k] and bias per projection:
 * query_kernel, query_bias, key_…, value_…, and output_kernel [heads·k, d], output_bias.
 */
import { tf, tfl } from '../tf';

type Shape = (number | null)[];
const PROJECTIONS = ['query', 'key', 'value'] as const;

/** A layer over sequences [B, T, d] whose output has its input's shape. */
abstract class SequenceLayer extends tfl.layers.Layer {
  override computeOutputShape(inputShape: Shape | Shape[]): Shape {
    return inputShape as Shape;
  }

  protected sequence(inputs: tf.Tensor | tf.Tensor[]): { x: tf.Tensor; b: number; t: number; d: number } {
    const x = Array.isArray(inputs) ? inputs[0] : inputs;
    const [b, t, d] = x.shape as number[];
    return { x, b, t, d };
  }
}

export class SelfAttention extends SequenceLayer {
  static className = 'DlnetSelfAttention';
  private readonly heads: number;
  /** Size of each head's queries, keys and values (the catalogue's headSize). */
  private readonly keyDim: number;
  private readonly causal: boolean;
  private readonly seed: number | null;
  private kernels: tfl.LayerVariable[] = [];
  private biases: tfl.LayerVariable[] = [];

  constructor(args: { heads: number; keyDim: number; causal?: boolean; seed?: number | null; name?: string }) {
    super(args);
    this.heads = args.heads;
    this.keyDim = args.keyDim;
    this.causal = args.causal ?? false;
    this.seed = args.seed ?? null;
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = (inputShape as Shape)[2] as number;
    const hk = this.heads * this.keyDim;
    // Each kernel its own seed: four drawn alike would start the heads' projections the same.
    const init = (k: number) => tfl.initializers.glorotUniform({ seed: this.seed === null ? undefined : this.seed + k });
    const zeros = tfl.initializers.zeros();
    this.kernels = [...PROJECTIONS.map((p, k) => this.addWeight(`${p}_kernel`, [d, hk], 'float32', init(k))), this.addWeight('output_kernel', [hk, d], 'float32', init(3))];
    this.biases = [...PROJECTIONS.map((p) => this.addWeight(`${p}_bias`, [hk], 'float32', zeros)), this.addWeight('output_bias', [d], 'float32', zeros)];
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const { b, t, d } = this.sequence(inputs);
      const { weights, values } = this.attend(inputs);
      const mixed = tf.matMul(weights as tf.Tensor4D, values as tf.Tensor4D); // [B, heads, T, k]
      const joined = tf.transpose(mixed, [0, 2, 1, 3]).reshape([b * t, this.heads * this.keyDim]);
      return this.affine(joined, 3).reshape([b, t, d]);
    });
  }

  /** The attention weights [B, heads, T, T] for an input: row i of a head, how much step i takes from each step (the panel draws them). */
  attentionWeights(input: tf.Tensor): tf.Tensor {
    return tf.tidy(() => this.attend(input).weights);
  }

  /** Each head's weights [B, heads, T, T] and values [B, heads, T, k]. */
  private attend(inputs: tf.Tensor | tf.Tensor[]): { weights: tf.Tensor; values: tf.Tensor } {
    const { x, b, t, d } = this.sequence(inputs);
    const k = this.keyDim;
    const rows = x.reshape([b * t, d]);
    // [B·T, heads·k] → [B, heads, T, k]
    const perHead = (i: number) => tf.transpose(this.affine(rows, i).reshape([b, t, this.heads, k]), [0, 2, 1, 3]);
    const [q, key, values] = [0, 1, 2].map(perHead);
    let scores = tf.mul(tf.matMul(q as tf.Tensor4D, key as tf.Tensor4D, false, true), 1 / Math.sqrt(k)); // [B, heads, T, T]
    if (this.causal) {
      // A step's scores for later steps go to -1e9: none of their weight is left after the softmax.
      const later = tf.sub(1, tf.linalg.bandPart(tf.ones([t, t]), -1, 0));
      scores = tf.add(scores, tf.mul(later, -1e9));
    }
    return { weights: tf.softmax(scores), values };
  }

  /** Projection `i` (query, key, value, output) of rows [n, in]. */
  private affine(input: tf.Tensor, i: number): tf.Tensor {
    return tf.add(tf.matMul(input as tf.Tensor2D, this.kernels[i].read() as tf.Tensor2D), this.biases[i].read());
  }

  override getConfig() {
    return { ...super.getConfig(), heads: this.heads, keyDim: this.keyDim, causal: this.causal, seed: this.seed };
  }
}

/** A learned vector for each position, added to the step there (`positionEmbedding`): weight `embeddings` [maxLength, d]. */
export class PositionEmbedding extends SequenceLayer {
  static className = 'DlnetPositionEmbedding';
  private readonly maxLength: number;
  private readonly seed: number | null;
  private embeddings?: tfl.LayerVariable;

  constructor(args: { maxLength: number; seed?: number | null; name?: string }) {
    super(args);
    this.maxLength = args.maxLength;
    this.seed = args.seed ?? null;
  }

  override build(inputShape: Shape | Shape[]): void {
    const d = (inputShape as Shape)[2] as number;
    this.embeddings = this.addWeight('embeddings', [this.maxLength, d], 'float32', tfl.initializers.glorotUniform({ seed: this.seed ?? undefined }));
    this.built = true;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const { x, t, d } = this.sequence(inputs);
      if (t > this.maxLength) throw new Error(`positionEmbedding has vectors for ${this.maxLength} positions (maxLength), but a sequence of ${t} steps came`);
      return tf.add(x, tf.slice(this.embeddings!.read(), [0, 0], [t, d]));
    });
  }

  override getConfig() {
    return { ...super.getConfig(), maxLength: this.maxLength, seed: this.seed };
  }
}

tf.serialization.registerClass(SelfAttention);
tf.serialization.registerClass(PositionEmbedding);
