/**
 * `dlnet backends [--json]`: which training backends this machine has, why the others
 * are missing, the GPU adapters `--gpu` can name, and what `auto` picks.
 */
import { BackendError, listGpuAdapters, selectBackend, type BackendName } from '../backend';
import { parseArgs } from './args';
import type { Io } from './io';

interface BackendReport {
  name: BackendName;
  available: boolean;
  /** The reason it runs as it does, or why it is not available. */
  detail: string;
}

export async function runBackends(argv: string[], io: Io): Promise<number> {
  const args = parseArgs(argv, [], ['json']);
  const backends: BackendReport[] = [];
  for (const name of ['tensorflow', 'webgpu', 'wasm', 'cpu'] as const) {
    try {
      const c = await selectBackend(name);
      backends.push({ name, available: true, detail: c.reason });
    } catch (e) {
      if (!(e instanceof BackendError)) throw e;
      backends.push({ name, available: false, detail: e.message.replace(/^the \w+ backend is not available: /, '') });
    }
  }
  const gpu = await listGpuAdapters();
  const auto = await selectBackend('auto');
  if (args.flags.has('json')) {
    io.out(JSON.stringify({ backends, gpuAdapters: gpu.adapters, auto: { backend: auto.name, reason: auto.reason } }));
    return 0;
  }
  const width = Math.max(...backends.map((b) => b.name.length));
  for (const b of backends) io.out(`${b.name.padEnd(width)}  ${b.available ? 'yes' : 'no '}  ${b.detail}`);
  io.out('');
  io.out(gpu.adapters.length
    ? `GPU adapters (--gpu NAME picks one by part of its name):\n${gpu.adapters.map((a) => `  ${a.name} (${a.api}${a.software ? ', software: slower than wasm' : ''})`).join('\n')}`
    : `GPU adapters: none (${gpu.why ?? 'Dawn found none'})`);
  io.out(`auto picks: ${auto.name} (${auto.reason})`);
  return 0;
}
