/** Whether a model's input is an image, and of what size: for `dlnet predict --image` and the panel's drawing box (no dependencies: the webview bundles it). */

/** What a model's image input takes. */
export interface ImageInput {
  height: number;
  width: number;
  channels: 1 | 3;
}

/**
 * The image a model's input shape (without the batch axis) takes, if it takes one:
 * [H, W, C] with C 1 or 3, [H, W] (grey), or [N] with N a square (MNIST's flat 784).
 */
export function imageInput(shape: readonly (number | null)[]): ImageInput | undefined {
  if (shape.some((d) => d === null || d < 1)) return undefined;
  const [h, w, c] = shape as number[];
  if (shape.length === 3 && (c === 1 || c === 3)) return { height: h, width: w, channels: c };
  if (shape.length === 2) return { height: h, width: w, channels: 1 };
  const side = Math.round(Math.sqrt(h));
  if (shape.length === 1 && side > 1 && side * side === h) return { height: side, width: side, channels: 1 };
  return undefined;
}
