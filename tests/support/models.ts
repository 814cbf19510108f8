/** Models several test suites train. */

/** A small classifier trained with a small batch: a GPU runs it mostly idle, so batch-size advice applies. */
export function smallBatchModel(epochs: number): string {
  return `dataset points = blobs(centers: 3, dims: 8, samples: 1200)
model Small {
  input x: [8]
  dense(32, activation: relu)
  dense(3, activation: softmax)
}
train Small on points { loss: categoricalCrossentropy; epochs: ${epochs}; batchSize: 8; metrics: [accuracy] }
`;
}
