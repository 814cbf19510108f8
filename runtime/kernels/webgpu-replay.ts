/**
 * A training step on webgpu, recorded once and then replayed, as CUDA graphs replay a
 * captured step: the same pipelines, bind groups and dispatches, with only the batch's
 * values written anew.
 *
 * On a GPU a small model's step is the CPU's time, not the GPU's: tfjs's engine, tape,
 * kernels and bookkeeping spend ~100 µs on each of a step's ~60 dispatches, the GPU a few
 * µs (docs/performance.md). A replay encodes the recorded commands directly.
 *
 * A step is replayable when running it again from the same buffers computes the next
 * step: two consecutive steps are recorded and must agree — the same pipelines, dispatch
 * sizes and uniforms, and the same bytes in every upload but the batch's (noise drawn on
 * the CPU differs, so a step that draws it is not replayed; dlnet's dropout draws its
 * masks on the device: webgpu-dropout.ts) — and every buffer the
 * step reads before writing it must still belong to a live tensor afterwards, or be the
 * buffer a variable left: tfjs moves a variable it assigns (momentum's accumulators,
 * batchNorm's moving statistics) onto the new value's buffer, so a replay first copies
 * each such variable's values back into the buffer the recorded step read it from
 * (dlnet's Adam updates in place and needs no copy: webgpu-adam.ts). The buffers the step
 * uses for its intermediate values are taken out of tfjs's pool while the replay lives,
 * and given back by `release`.
 */
import { tf } from '../tf';
import { inPlaceBindings, MAP_MODE_READ, Usage, type GpuBuffer, type GpuEncoder, type GpuPass, type TfjsWebgpu } from './webgpu-internals';

type Dispatch = { kind: 'dispatch'; pipeline: object; group: object; buffers: GpuBuffer[]; workgroups: [number, number, number] };
type Copy = { kind: 'copy'; from: GpuBuffer; to: GpuBuffer; fromOffset: number; toOffset: number; size: number };
/** A queue write; `input` is the index of the batch's array it wrote, if it wrote one. */
type Write = { kind: 'write'; buffer: GpuBuffer; offset: number; bytes: Uint8Array; input?: number };
type Command = Dispatch | Copy | Write;

/** What one step did on the device, in order. */
export interface Recording {
  commands: Command[];
  /** The buffers read back (the loss and the metrics), in order. */
  reads: GpuBuffer[];
  /** How many batch arrays it was given. */
  inputs: number;
  /** Variables the step moved onto other buffers: where each was before the step and after it. */
  moved: { before: GpuBuffer; after: GpuBuffer }[];
  /** Why it cannot be replayed, found while recording. */
  refused?: string;
}

/**
 * Records what the backend's device does while `run` runs; it runs as it would, except
 * that buffers go back to tfjs's pool only when it is done. `inputs` are the batch's
 * arrays: an upload of one of them (by identity) is marked as such.
 */
export async function record<T>(backend: object, inputs: ArrayBufferView[], run: () => Promise<T>): Promise<{ result: T; recording: Recording }> {
  const b = backend as TfjsWebgpu;
  flush(b);
  const recording: Recording = { commands: [], reads: [], inputs: inputs.length, moved: [] };
  const buffers = () => new Map(Object.values(tf.engine().registeredVariables).map((v) => [v, b.tensorMap.has(v.dataId) ? b.tensorMap.get(v.dataId).resource : undefined]));
  const before = buffers();
  const groups = new WeakMap<object, GpuBuffer[]>();
  const released: (() => void)[] = [];
  const undo = [
    patch(b.device, 'createBindGroup', (create) => (d: Parameters<TfjsWebgpu['device']['createBindGroup']>[0]) => {
      const group = create(d);
      groups.set(group, d.entries.map((e) => e.resource.buffer));
      return group;
    }),
    patch(b.device, 'createCommandEncoder', (create) => () => recordingEncoder(create(), recording, groups)),
    patch(b.queue, 'writeBuffer', (write) => (buffer: GpuBuffer, offset: number, data: ArrayBufferView | ArrayBuffer, dataOffset = 0, size?: number) => {
      const input = inputs.indexOf(data as ArrayBufferView);
      const view = ArrayBuffer.isView(data) ? new Uint8Array(data.buffer, data.byteOffset, data.byteLength) : new Uint8Array(data);
      const bytes = input >= 0 ? new Uint8Array(0) : view.slice(dataOffset, size === undefined ? undefined : dataOffset + size);
      recording.commands.push({ kind: 'write', buffer, offset, bytes, ...(input >= 0 ? { input } : {}) });
      return write(buffer, offset, data, dataOffset, size);
    }),
    patch(b, 'getBufferData', (read) => (buffer: GpuBuffer) => {
      recording.reads.push(buffer);
      return read(buffer);
    }),
    // No buffer is given back to the pool until the step ends, so none serves two values within it (a replay could not tell them apart).
    patch(b.bufferManager, 'releaseBuffer', (release) => (buffer: GpuBuffer, reuse?: boolean) => void released.push(() => release(buffer, reuse))),
  ];
  try {
    const result = await run();
    flush(b);
    for (const [variable, after] of buffers()) {
      const was = before.get(variable);
      if (was && after && was !== after) recording.moved.push({ before: was as GpuBuffer, after: after as GpuBuffer });
    }
    return { result, recording };
  } finally {
    undo.reverse().forEach((u) => u());
    released.forEach((r) => r());
  }
}

type Method = (...a: never[]) => unknown;

/** Replaces obj[name] by what `wrap` makes of it; returns the undo. */
function patch<O extends object, K extends keyof O & string>(obj: O, name: K, wrap: (original: O[K] & Method) => O[K]): () => void {
  const own = Object.prototype.hasOwnProperty.call(obj, name);
  const previous = obj[name];
  obj[name] = wrap((previous as Method).bind(obj) as O[K] & Method);
  return () => {
    if (own) obj[name] = previous;
    else delete obj[name];
  };
}

/** `target` with `overrides`; any other method it is asked for refuses the recording (the replay would not repeat it) and is passed on. */
function logging<T extends object>(target: T, overrides: Partial<T>, recording: Recording, what: string): T {
  return new Proxy(target, {
    get(t, key) {
      if (key in overrides) return overrides[key as keyof T];
      const value = Reflect.get(t, key) as unknown;
      if (typeof value !== 'function') return value;
      recording.refused ??= `the step used ${what}.${String(key)}`;
      return (value as Method).bind(t);
    },
  });
}

/** A command encoder that logs its dispatches and copies into the recording (a copy into a staging buffer is a read back, left out). */
function recordingEncoder(encoder: GpuEncoder, recording: Recording, groups: WeakMap<object, GpuBuffer[]>): GpuEncoder {
  const beginComputePass = (descriptor?: object): GpuPass => {
    const pass = encoder.beginComputePass(descriptor);
    let pipeline: object | undefined;
    let group: object | undefined;
    return logging(pass, {
      setPipeline: (p: object) => pass.setPipeline((pipeline = p)),
      setBindGroup: (index: number, g: object) => {
        if (index !== 0) recording.refused ??= 'a kernel binds more than one group';
        pass.setBindGroup(index, (group = g));
      },
      dispatchWorkgroups: (x: number, y = 1, z = 1) => {
        const buffers = group && groups.get(group);
        if (!pipeline || !group || !buffers) recording.refused ??= 'a dispatch whose bindings were made before the recording';
        else recording.commands.push({ kind: 'dispatch', pipeline, group, buffers, workgroups: [x, y, z] });
        pass.dispatchWorkgroups(x, y, z);
      },
      end: () => pass.end(),
    }, recording, 'a compute pass');
  };
  const copyBufferToBuffer = (from: GpuBuffer, fromOffset: number, to: GpuBuffer, toOffset: number, size: number) => {
    if (from.usage & Usage.MAP_WRITE) recording.refused ??= 'an upload through a staging buffer';
    else if (!(to.usage & Usage.MAP_READ)) recording.commands.push({ kind: 'copy', from, to, fromOffset, toOffset, size });
    encoder.copyBufferToBuffer(from, fromOffset, to, toOffset, size);
  };
  return logging(encoder, { beginComputePass, copyBufferToBuffer, finish: () => encoder.finish() }, recording, 'a command encoder');
}

/** Submits whatever tfjs has encoded and not yet submitted. */
function flush(b: TfjsWebgpu): void {
  if (!b.commandEncoder) return;
  b.endComputePassEncoder();
  b.submitQueue();
}

const isUniform = (buffer: GpuBuffer) => (buffer.usage & Usage.UNIFORM) !== 0;
const dispatches = (r: Recording) => r.commands.filter((c): c is Dispatch => c.kind === 'dispatch');
const uploads = (r: Recording) => r.commands.filter((c): c is Write => c.kind === 'write' && !isUniform(c.buffer));
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

/** The buffers a command reads and writes (a dispatch's by its bindings, uniforms left out). */
function access(c: Command): { reads: GpuBuffer[]; writes: GpuBuffer[] } {
  if (c.kind === 'write') return { reads: [], writes: [c.buffer] };
  if (c.kind === 'copy') return { reads: [c.from], writes: [c.to] };
  const inPlace = inPlaceBindings.get(c.pipeline);
  const writes = c.buffers.slice(0, inPlace ?? 1);
  const reads = c.buffers.slice(inPlace ?? 1).filter((b) => !isUniform(b));
  return { reads: inPlace ? [...writes, ...reads] : reads, writes };
}

/** Why the second of two consecutive steps cannot be replayed, if it cannot, by comparing it with the first; `reads` is how many values a step reads back. */
function whyNotReplayable(first: Recording, second: Recording, reads: number): string | undefined {
  if (second.refused ?? first.refused) return second.refused ?? first.refused;
  if (second.reads.length !== reads) return `the step read ${second.reads.length} values back, not its ${reads} (loss and metrics)`;
  const [a, b] = [dispatches(first), dispatches(second)];
  if (a.length !== b.length) return `two steps ran ${a.length} and ${b.length} kernels`;
  for (let i = 0; i < a.length; i++) {
    const [ua, ub] = [a[i].buffers.filter(isUniform), b[i].buffers.filter(isUniform)];
    const same = a[i].pipeline === b[i].pipeline && a[i].workgroups.join() === b[i].workgroups.join() && ua.length === ub.length && ua.every((u, k) => u === ub[k]);
    if (!same) return `two steps differ at kernel ${i + 1}`;
  }
  if (second.commands.some((c) => c.kind === 'write' && isUniform(c.buffer))) return 'the step writes uniforms anew';
  const [u, v] = [uploads(first), uploads(second)];
  for (let k = 0; k < second.inputs; k++) if (v.filter((w) => w.input === k).length !== 1) return 'the batch was not uploaded once in the step';
  if (u.length !== v.length) return `two steps uploaded ${u.length} and ${v.length} tensors`;
  if (v.some((w, i) => w.input === undefined && !sameBytes(w.bytes, u[i].bytes))) return 'the values a step uploads change from step to step (random numbers drawn on the CPU, as tfjs draws noise)';
  return undefined;
}

/** A recorded step, replayable: its buffers taken out of tfjs's pool until `release`. */
export class Replay {
  /** How many steps may be issued and not yet read back at a time. */
  static readonly unsettled = 4;
  /** The commands between queue writes that must wait for them; the writes come first. */
  private readonly segments: { writes: Write[]; commands: (Dispatch | Copy)[] }[] = [];
  private readonly claimed: GpuBuffer[] = [];
  private readonly reads: GpuBuffer[];
  /** Where the values read back go, in turn: one per step that may be unsettled at a time. */
  private readonly staging: GpuBuffer[];
  private turn = 0;
  private released = false;

  /** The replay of the second of two steps just recorded, or why there is none; call before tfjs runs anything else. */
  static from(backend: object, first: Recording, second: Recording, reads: number): Replay | string {
    const b = backend as TfjsWebgpu;
    const why = whyNotReplayable(first, second, reads);
    if (why) return why;
    const live = new Set([...b.bufferManager.usedBuffers.values()].flat());
    // A replay starts by copying each moved variable back to where the step read it.
    const restored = new Set(second.moved.map((m) => m.before));
    const written = new Set<GpuBuffer>(restored);
    for (const c of second.commands) {
      const { reads: r, writes } = access(c);
      if (r.some((x) => !written.has(x) && !live.has(x))) return 'the step reads a buffer that no tensor holds afterwards';
      writes.forEach((w) => written.add(w));
    }
    if ([...restored].some((x) => live.has(x))) return "a variable's old buffer went to another tensor";
    return new Replay(b, second, written, live);
  }

  private constructor(private readonly b: TfjsWebgpu, recording: Recording, written: Set<GpuBuffer>, live: Set<GpuBuffer>) {
    // A queue write lands before the next submit: one to a buffer that a command of this segment uses starts a new segment.
    let touched = new Set<GpuBuffer>();
    let segment: Replay['segments'][number] = { writes: [], commands: [] };
    const restore: Copy[] = recording.moved.map(({ before, after }) => ({ kind: 'copy', from: after, to: before, fromOffset: 0, toOffset: 0, size: Math.min(before.size, after.size) }));
    for (const c of [...restore, ...recording.commands]) {
      if (c.kind === 'write') {
        if (isUniform(c.buffer)) continue;
        if (touched.has(c.buffer)) {
          this.segments.push(segment);
          segment = { writes: [], commands: [] };
          touched = new Set();
        }
        segment.writes.push(c);
      } else {
        segment.commands.push(c);
        const { reads, writes } = access(c);
        [...reads, ...writes].forEach((x) => touched.add(x));
      }
    }
    this.segments.push(segment);
    this.reads = recording.reads;
    // Buffers no tensor holds after the step are its intermediates: out of the pool while the replay lives.
    for (const buffer of written) if (!live.has(buffer) && this.take(buffer)) this.claimed.push(buffer);
    this.staging = Array.from({ length: Replay.unsettled }, () => b.device.createBuffer({ size: 4 * Math.max(1, this.reads.length), usage: Usage.MAP_READ | Usage.COPY_DST }));
  }

  /** Moves a free buffer of tfjs's pool to its used ones, as acquireBuffer would (false if it is not free). */
  private take(buffer: GpuBuffer): boolean {
    const m = this.b.bufferManager;
    for (const [key, free] of m.freeBuffers) {
      const i = free.indexOf(buffer);
      if (i < 0) continue;
      free.splice(i, 1);
      m.numFreeBuffers--;
      m.numUsedBuffers++;
      m.numBytesUsed += buffer.size;
      if (!m.usedBuffers.has(key)) m.usedBuffers.set(key, []);
      m.usedBuffers.get(key)!.push(buffer);
      return true;
    }
    return false;
  }

  /**
   * Runs the step again on a batch (its arrays as recorded: same order, same lengths): its
   * work is submitted before this returns; the promise gives the loss and metrics it read
   * back. At most `Replay.unsettled` may be unsettled at a time.
   */
  async run(inputs: ArrayBufferView[]): Promise<number[]> {
    const staging = this.nextStaging();
    this.submit(inputs, staging);
    return this.readBack(staging);
  }

  /**
   * Runs the step as `run` does, and how long its compute passes took on the device: from
   * the first one's start to the last one's end, and their sum (ms; timestamp queries, so
   * only where the device has 'timestamp-query'). For benchmarks: run nothing else meanwhile.
   */
  async timed(inputs: ArrayBufferView[]): Promise<{ values: number[]; spanMs: number; passesMs: number }> {
    const d = this.b.device;
    const count = 2 * this.passes;
    const querySet = d.createQuerySet({ type: 'timestamp', count });
    const resolved = d.createBuffer({ size: 8 * count, usage: Usage.QUERY_RESOLVE | Usage.COPY_SRC });
    const read = d.createBuffer({ size: 8 * count, usage: Usage.MAP_READ | Usage.COPY_DST });
    try {
      const staging = this.nextStaging();
      this.submit(inputs, staging, querySet);
      const encoder = d.createCommandEncoder();
      encoder.resolveQuerySet(querySet, 0, count, resolved, 0);
      encoder.copyBufferToBuffer(resolved, 0, read, 0, 8 * count);
      this.b.queue.submit([encoder.finish()]);
      const values = await this.readBack(staging);
      await read.mapAsync(MAP_MODE_READ);
      const ns = Array.from(new BigUint64Array(read.getMappedRange().slice(0)), Number);
      read.unmap();
      let passesNs = 0;
      for (let k = 0; k < ns.length; k += 2) passesNs += ns[k + 1] - ns[k];
      return { values, spanMs: (ns[ns.length - 1] - ns[0]) / 1e6, passesMs: passesNs / 1e6 };
    } finally {
      querySet.destroy();
      resolved.destroy();
      read.destroy();
    }
  }

  /** The staging buffer of the next step issued: they take turns. */
  private nextStaging(): GpuBuffer {
    return this.staging[this.turn++ % Replay.unsettled];
  }

  /** Compute passes a replayed step encodes (a copy between dispatches ends one). */
  private get passes(): number {
    let count = 0;
    for (const segment of this.segments) segment.commands.forEach((c, i) => c.kind === 'dispatch' && (i === 0 || segment.commands[i - 1].kind !== 'dispatch') && count++);
    return count;
  }

  /** Encodes and submits the step, its loss and metrics copied to `staging`; pass k writes timestamps 2k and 2k + 1 of `querySet`, if given. */
  private submit(inputs: ArrayBufferView[], staging: GpuBuffer, querySet?: object): void {
    if (this.released) throw new Error('a released replay was run');
    const b = this.b;
    let passes = 0;
    flush(b);
    this.segments.forEach((segment, i) => {
      for (const w of segment.writes) b.queue.writeBuffer(w.buffer, w.offset, w.input === undefined ? w.bytes : inputs[w.input]);
      const encoder = b.device.createCommandEncoder();
      let pass: GpuPass | null = null;
      for (const c of segment.commands) {
        if (c.kind === 'dispatch') {
          pass ??= encoder.beginComputePass(querySet ? { timestampWrites: { querySet, beginningOfPassWriteIndex: 2 * passes, endOfPassWriteIndex: 2 * passes++ + 1 } } : {});
          pass.setPipeline(c.pipeline);
          pass.setBindGroup(0, c.group);
          pass.dispatchWorkgroups(...c.workgroups);
        } else {
          pass?.end();
          pass = null;
          encoder.copyBufferToBuffer(c.from, c.fromOffset, c.to, c.toOffset, c.size);
        }
      }
      pass?.end();
      if (i === this.segments.length - 1) this.reads.forEach((r, k) => encoder.copyBufferToBuffer(r, 0, staging, 4 * k, 4));
      b.queue.submit([encoder.finish()]);
    });
  }

  private async readBack(staging: GpuBuffer): Promise<number[]> {
    await staging.mapAsync(MAP_MODE_READ);
    const values = Array.from(new Float32Array(staging.getMappedRange().slice(0)));
    staging.unmap();
    return values.slice(0, this.reads.length);
  }

  /** How many submits a replayed step makes (a queue write that must wait for earlier commands adds one). */
  get submits(): number {
    return this.segments.length;
  }

  /** Gives the step's buffers back to tfjs's pool. */
  release(): void {
    if (this.released) return;
    this.released = true;
    for (const buffer of this.claimed) this.b.bufferManager.releaseBuffer(buffer);
    this.staging.forEach((s) => s.destroy());
  }
}
