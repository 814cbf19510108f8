/**
 * An image file (PNG) as a model's input: its pixels resized to the input's height and
 * width, each input pixel the average of the area of the image it covers; grey (luminance,
 * as PIL's convert("L") weighs red, green and blue) for one channel, or red, green and blue
 * for three; in [0, 1], as dlnet's image sources give them (mnist, idx, shapes). A
 * transparent pixel counts as black, MNIST's background.
 */
import { PNG } from 'pngjs';
import type { ImageInput } from './image-input';

/** A PNG file's bytes as the input's values, height × width × channels of them; an Error value where the bytes are no PNG. */
export function readImage(bytes: Uint8Array, input: ImageInput): Float32Array | Error {
  let png: PNG;
  try {
    png = PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  } catch (e) {
    return new Error(`not a PNG image (${(e as Error).message})`);
  }
  const { width, height, data } = png;
  // The image's own pixels in [0, 1], in the channels the model takes, over black where transparent.
  const pixels = new Float32Array(width * height * input.channels);
  for (let i = 0; i < width * height; i++) {
    const alpha = data[4 * i + 3] / 255;
    const [r, g, b] = [data[4 * i], data[4 * i + 1], data[4 * i + 2]].map((v) => (v / 255) * alpha);
    if (input.channels === 1) pixels[i] = 0.299 * r + 0.587 * g + 0.114 * b;
    else pixels.set([r, g, b], 3 * i);
  }
  return resizeByArea(pixels, width, height, input);
}

/** Each output pixel the mean of the image's area it covers (an image of the input's size comes back as it was). */
function resizeByArea(pixels: Float32Array, width: number, height: number, to: ImageInput): Float32Array {
  const columns = coverage(width, to.width);
  const rows = coverage(height, to.height);
  const c = to.channels;
  const out = new Float32Array(to.height * to.width * c);
  for (let oy = 0; oy < to.height; oy++) {
    for (let ox = 0; ox < to.width; ox++) {
      for (const [y, wy] of rows[oy]) {
        for (const [x, wx] of columns[ox]) {
          for (let k = 0; k < c; k++) out[(oy * to.width + ox) * c + k] += pixels[(y * width + x) * c + k] * wy * wx;
        }
      }
    }
  }
  return out;
}

/** For each of `to` cells along an axis of `from` pixels: the pixels it covers, each with the share of the cell it is. */
function coverage(from: number, to: number): [number, number][][] {
  const scale = from / to;
  return Array.from({ length: to }, (_, o) => {
    const start = o * scale;
    const end = start + scale;
    const covered: [number, number][] = [];
    for (let i = Math.floor(start); i < Math.min(Math.ceil(end), from); i++) covered.push([i, (Math.min(end, i + 1) - Math.max(start, i)) / scale]);
    return covered;
  });
}
