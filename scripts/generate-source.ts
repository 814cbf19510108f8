/** Generates a large, valid .dlnet file: blocks, models with chains, residuals, repeats, merges, train statements. */
export function generateSource(targetLines: number): string {
  const out: string[] = ['# generated for benchmarks', 'dataset digits = mnist(samples: 1000)', 'dataset points = blobs(centers: 4, dims: 16)', ''];
  let i = 0;
  while (out.length < targetLines) {
    out.push(
      `block Unit${i}(filters, k = 3) {`,
      '  conv2d(filters, kernel: k, padding: same, activation: relu, init: heNormal)',
      '  batchNorm',
      '}',
      '',
      `model Conv${i} {`,
      '  input image: [28, 28, 1]',
      `  stem = conv2d(16, kernel: 3, padding: same, activation: relu, init: heNormal)`,
      `  Unit${i}(16)`,
      '  residual {',
      `    Unit${i}(16)`,
      '    conv2d(16, kernel: 3, padding: same)',
      '  }',
      '  merged = add(stem, stem)',
      '  merged -> maxPool2d(2) -> dropout(0.25)',
      `  repeat 2 { Unit${i}(32, k: 1) }`,
      '  features = globalAvgPool2d',
      '  dense(64, activation: relu, init: heNormal)',
      '  dense(10, activation: softmax)',
      '}',
      '',
      `model Mlp${i} {`,
      '  input x: [16]',
      '  h1 = dense(32, activation: relu, init: heNormal)',
      '  h2 = dense(32, activation: relu, init: heNormal)',
      '  both = concat(h1, h2)',
      '  both -> dense(4, activation: softmax)',
      '}',
      '',
      `train Conv${i} on digits { loss: categoricalCrossentropy; epochs: 2; metrics: [accuracy] }`,
      `train Mlp${i} on points {`,
      '  loss: categoricalCrossentropy',
      '  optimizer: adam(learningRate: 0.01)',
      '  epochs: 3',
      '}',
      '',
    );
    i++;
  }
  return out.join('\n');
}
