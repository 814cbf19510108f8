/** Random small models: an input of rank 1 to 4 and one to three layers with random arguments, from a seed. */

/** A tiny seeded generator (the same seed gives the same model, so a failure can be replayed). */
function generator(seed: number) {
  let state = seed & 0x7fffffff;
  const rnd = (n: number) => {
    state = (state * 1103515245 + 12345) & 0x7fffffff;
    return Math.floor((state / 0x80000000) * n); // the high bits: an LCG's low bits repeat with a short period
  };
  const int = (lo: number, hi: number) => lo + rnd(hi - lo + 1);
  const pick = <T>(xs: T[]) => xs[rnd(xs.length)];
  return { rnd, int, pick };
}

export function randomModel(seed: number): { source: string; input: number[] } {
  const { rnd, int, pick } = generator(seed);
  const pair = () => (rnd(2) ? String(int(1, 4)) : `[${int(1, 4)}, ${int(1, 4)}]`);
  const padding = () => pick(['same', 'valid']);
  const layers: (() => string)[] = [
    () => `dense(${int(1, 6)})`,
    () => 'flatten',
    () => `reshape([${pick(['-1', '2, -1', '-1, 2', '4', '2, 2', '3, -1'])}])`,
    () => pick(['permute([2, 1])', 'permute([1])', 'permute([1, 3, 2])', 'permute([3, 1, 2])']),
    () => `repeatVector(${int(1, 4)})`,
    () => `embedding(${int(2, 20)}, ${int(1, 5)})`,
    () => pick(['softmax', 'softmax(1)', 'softmax(-1)', 'softmax(2)']),
    () => pick(['dropout(0.3)', 'spatialDropout1d(0.2)', 'spatialDropout2d(0.2)', 'gaussianNoise(0.1)']),
    () => pick(['batchNorm', 'batchNorm(axis: 1)', 'batchNorm(axis: 2)', 'layerNorm', 'layerNorm(axis: 1)']),
    () => pick(['relu', 'leakyRelu(0.1)', 'elu', 'selu', 'gelu', 'tanh', 'sigmoid', 'softplus', 'swish']),
    () => `conv1d(${int(1, 4)}, kernel: ${int(1, 4)}, strides: ${int(1, 3)}, padding: ${padding()}${rnd(3) ? '' : `, dilation: ${int(1, 3)}`})`,
    () => `conv2d(${int(1, 4)}, kernel: ${pair()}, strides: ${pair()}, padding: ${padding()}${rnd(3) ? '' : `, dilation: ${int(1, 2)}`})`,
    () => `conv2dTranspose(${int(1, 4)}, kernel: ${pair()}, strides: ${pair()}, padding: ${padding()})`,
    () => `depthwiseConv2d(kernel: ${pair()}, depthMultiplier: ${int(1, 3)}, strides: ${pair()}, padding: ${padding()})`,
    () => `separableConv2d(${int(1, 4)}, kernel: ${pair()}, depthMultiplier: ${int(1, 2)}, strides: ${pair()}, padding: ${padding()})`,
    () => pick([`upSampling2d(${pair()})`, `zeroPadding2d(${pair()})`, `cropping2d(${pair()})`]),
    () => `${pick(['maxPool1d', 'avgPool1d'])}(${int(1, 3)}${rnd(2) ? `, strides: ${int(1, 3)}` : ''}, padding: ${padding()})`,
    () => `${pick(['maxPool2d', 'avgPool2d'])}(${pair()}${rnd(2) ? `, strides: ${pair()}` : ''}, padding: ${padding()})`,
    () => pick(['globalAvgPool1d', 'globalMaxPool1d', 'globalAvgPool2d', 'globalMaxPool2d']),
    () => `${pick(['simpleRnn', 'lstm', 'gru'])}(${int(1, 4)}, returnSequences: ${pick(['true', 'false'])})`,
    () => `bidirectional(${pick(['lstm', 'gru', 'simpleRnn'])}(${int(1, 3)}, returnSequences: ${pick(['true', 'false'])}), mergeMode: ${pick(['concat', 'sum', 'mul', 'ave'])})`,
    () => `timeDistributed(${pick(['dense(3)', 'flatten', 'conv2d(2, kernel: 2)', 'maxPool2d(2)'])})`,
    () => `selfAttention(${int(1, 3)}${rnd(2) ? `, keyDim: ${int(1, 4)}` : ''}${rnd(2) ? ', causal: true' : ''})`,
    () => `positionEmbedding${rnd(2) ? `(${int(1, 12)})` : ''}`,
    () => pick(['capsuleLength', `primaryCaps(${int(1, 3)}, ${int(2, 4)}, kernel: ${int(1, 3)}, strides: ${int(1, 2)})`, `capsules(${int(1, 3)}, ${int(2, 4)}, routing: ${int(1, 3)})`]),
  ];
  const input = Array.from({ length: int(1, 4) }, () => int(1, 9));
  const steps = Array.from({ length: int(1, 3) }, () => pick(layers)());
  return { source: `model M {\n  input x: [${input.join(', ')}]\n${steps.map((s) => `  ${s}\n`).join('')}}\n`, input };
}
