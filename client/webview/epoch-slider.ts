/**
 * A slider over the epochs a section has drawn (representations, attention maps): it follows
 * the latest epoch until moved back, and draws the one chosen, labelled.
 */
export class EpochSlider<T extends { epoch: number }> {
  private events: T[] = [];
  private followLatest = true;

  constructor(private readonly input: HTMLInputElement, private readonly label: HTMLElement, private readonly draw: (event: T) => void) {
    input.addEventListener('input', () => {
      this.followLatest = input.value === input.max;
      this.redraw();
    });
  }

  push(event: T): void {
    this.events.push(event);
    this.input.max = String(this.events.length - 1);
    if (this.followLatest) this.input.value = this.input.max;
    this.redraw();
  }

  reset(): void {
    this.events = [];
    this.followLatest = true;
    this.input.max = '0';
    this.input.value = '0';
    this.label.textContent = '';
  }

  /** Draws the chosen epoch again (a new theme). */
  redraw(): void {
    const index = Number(this.input.value);
    const event = this.events[index];
    if (!event) return;
    this.label.textContent = `epoch ${event.epoch}${index === this.events.length - 1 ? ' (latest)' : ''}`;
    this.draw(event);
  }
}
