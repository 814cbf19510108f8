/** Stop, pause and resume requests: from SIGINT, or JSON lines on stdin ({"type":"stop"}). */
export class Control {
  stopRequested = false;
  private paused?: { promise: Promise<void>; resume: () => void };

  stop(): void {
    this.stopRequested = true;
    this.resume();
  }

  pause(): void {
    if (this.paused) return;
    let resume!: () => void;
    const promise = new Promise<void>((r) => (resume = r));
    this.paused = { promise, resume };
  }

  resume(): void {
    this.paused?.resume();
    this.paused = undefined;
  }

  get isPaused(): boolean {
    return !!this.paused;
  }

  private lastYield = 0;

  /**
   * Called between batches: lets the event loop run now and then (training is all
   * microtasks otherwise, so stop messages on stdin would never be read), then waits
   * while paused.
   */
  async checkpoint(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield > 50) {
      this.lastYield = now;
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    if (this.paused) await this.paused.promise;
  }

  /** Listens to SIGINT and to control messages on stdin. Returns a function that stops listening. */
  listen(input: NodeJS.ReadableStream | undefined = process.stdin): () => void {
    const onSignal = () => this.stop();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    let buffer = '';
    const onData = (chunk: Buffer | string) => {
      buffer += chunk.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).trim();
        buffer = buffer.slice(nl + 1);
        if (!line) continue;
        try {
          const msg = JSON.parse(line) as { type?: string };
          if (msg.type === 'stop') this.stop();
          else if (msg.type === 'pause') this.pause();
          else if (msg.type === 'resume') this.resume();
        } catch {
          /* not a control message */
        }
      }
    };
    const piped = input && !(input as NodeJS.ReadStream).isTTY;
    if (piped) input.on('data', onData);
    return () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      if (piped) {
        input.off('data', onData);
        (input as NodeJS.ReadStream).pause?.();
      }
    };
  }
}
