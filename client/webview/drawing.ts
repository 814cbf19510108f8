/**
 * The drawing box: a digit drawn with the mouse (or a pen, or a finger), white on black as
 * MNIST's are, made into the model's input as MNIST made its digits: the ink's bounding box
 * scaled to fit 20x20 of 28x28 (the same share of another size), then placed so that its
 * centre of mass is the image's centre. The host asks `dlnet predict --image` about it.
 */
import type { ImageInput } from '../../runtime/data/image-input';

/** MNIST's digits fill 20 of their 28 pixels; the rest is margin. */
const FILLED = 20 / 28;

export class DrawingBox {
  private drawing = false;
  private last?: [number, number];
  private inked = false;

  constructor(private readonly canvas: HTMLCanvasElement, private readonly onDrawn: () => void) {
    this.clear();
    canvas.addEventListener('pointerdown', (e) => {
      this.drawing = true;
      canvas.setPointerCapture?.(e.pointerId);
      this.stroke(this.at(e));
    });
    canvas.addEventListener('pointermove', (e) => this.drawing && this.stroke(this.at(e)));
    const stop = () => {
      if (this.drawing) this.onDrawn();
      this.drawing = false;
      this.last = undefined;
    };
    canvas.addEventListener('pointerup', stop);
    canvas.addEventListener('pointerleave', stop);
  }

  get empty(): boolean {
    return !this.inked;
  }

  clear(): void {
    const ctx = this.canvas.getContext('2d')!;
    ctx.fillStyle = '#000';
    ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
    this.inked = false;
  }

  /**
   * The drawing as the model's input (a PNG of its size, base64): the ink's bounding box
   * scaled into FILLED of it, centred by its centre of mass; undefined when nothing is drawn.
   */
  image(input: ImageInput): string | undefined {
    const { width, height } = this.canvas;
    const ink = this.canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
    let [x0, y0, x1, y1] = [width, height, -1, -1];
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        if (ink[4 * (y * width + x)] < 16) continue;
        x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y);
      }
    }
    if (x1 < 0) return undefined;
    const [boxW, boxH] = [x1 - x0 + 1, y1 - y0 + 1];
    const scale = (Math.min(input.width, input.height) * FILLED) / Math.max(boxW, boxH);
    const small = canvasOf(Math.max(1, Math.round(boxW * scale)), Math.max(1, Math.round(boxH * scale)));
    const sctx = small.getContext('2d')!;
    sctx.imageSmoothingQuality = 'high';
    sctx.drawImage(this.canvas, x0, y0, boxW, boxH, 0, 0, small.width, small.height);
    // Its centre of mass, over pixel centres.
    const pixels = sctx.getImageData(0, 0, small.width, small.height).data;
    let [mass, mx, my] = [0, 0, 0];
    for (let i = 0; i < small.width * small.height; i++) {
      const v = pixels[4 * i];
      mass += v;
      mx += v * ((i % small.width) + 0.5);
      my += v * (Math.floor(i / small.width) + 0.5);
    }
    const out = canvasOf(input.width, input.height);
    const octx = out.getContext('2d')!;
    octx.fillStyle = '#000';
    octx.fillRect(0, 0, out.width, out.height);
    octx.drawImage(small, Math.round(input.width / 2 - mx / mass), Math.round(input.height / 2 - my / mass));
    return out.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
  }

  private at(e: PointerEvent): [number, number] {
    const r = this.canvas.getBoundingClientRect();
    return [((e.clientX - r.left) / r.width) * this.canvas.width, ((e.clientY - r.top) / r.height) * this.canvas.height];
  }

  /** A line from the last point to `p` (a dot where the stroke starts), in a pen about a twelfth of the box wide. */
  private stroke(p: [number, number]): void {
    const ctx = this.canvas.getContext('2d')!;
    ctx.strokeStyle = '#fff';
    ctx.lineWidth = this.canvas.width / 12;
    ctx.lineCap = 'round';
    ctx.lineJoin = 'round';
    ctx.beginPath();
    const [fx, fy] = this.last ?? p;
    ctx.moveTo(fx, fy);
    ctx.lineTo(p[0] + (this.last ? 0 : 0.01), p[1]);
    ctx.stroke();
    this.last = p;
    this.inked = true;
  }
}

function canvasOf(width: number, height: number): HTMLCanvasElement {
  const c = document.createElement('canvas');
  c.width = width;
  c.height = height;
  return c;
}
