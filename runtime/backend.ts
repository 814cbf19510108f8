/**
 * Backend selection. `auto` takes the fastest one available and says why:
 * tfjs-node-gpu, tfjs-node (native TensorFlow; resolved at run time from the
 * workspace or the extension's storage, never bundled), webgpu (when the optional
 * `webgpu` and `@tensorflow/tfjs-backend-webgpu` packages are installed and a GPU
 * adapter exists), wasm, then cpu.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { findGpuAdapters, pickGpuAdapter, startWebgpu, type GpuAdapter } from './gpu';
import { registerWasmKernels } from './kernels/wasm';
import { tf } from './tf';

export type BackendName = 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu';

export interface BackendChoice {
  name: string;
  reason: string;
  /** Runs on a GPU (or, for testing, a software GPU): batch-size advice applies. */
  gpu?: boolean;
  /** Backends tried first and why they were passed over. */
  skipped: string[];
}

export class BackendError extends Error {}

/** Folders where native packages may have been installed by the user. */
export function searchPaths(extra: string[] = []): string[] {
  const env = process.env.DLNET_MODULE_PATHS?.split(':').filter(Boolean) ?? [];
  // dlnet's own folder last: its optional dependencies (webgpu) when installed with it.
  return [...extra, ...env, process.cwd(), join(__dirname, '..')];
}

/**
 * The package from the first folder that has it. A package that is there but fails to
 * load (a missing native library, a Node too old for an ES module) is reported in
 * `failures` with why, rather than taken for absent.
 */
function tryRequire(name: string, paths: string[], failures?: string[]): unknown {
  for (const base of paths) {
    try {
      return createRequire(join(base, 'noop.js'))(name);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      const absent = err.code === 'MODULE_NOT_FOUND' && err.message.includes(`'${name}'`);
      if (!absent) failures?.push(`${name}: installed but failed to load (${err.message.split('\n')[0]})`);
    }
  }
  return undefined;
}

/** Where the wasm binaries are: next to the bundle (dist/), or in node_modules when run from source. */
function wasmDir(): string | undefined {
  const candidates = [join(__dirname, 'wasm'), join(__dirname, '..', 'dist', 'wasm')];
  try {
    candidates.push(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm')));
  } catch {
    /* bundled: use dist/wasm */
  }
  return candidates.find((d) => existsSync(join(d, 'tfjs-backend-wasm.wasm')));
}

async function tryTensorflow(paths: string[], skipped: string[]): Promise<BackendChoice | undefined> {
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    const failures: string[] = [];
    const mod = tryRequire(pkg, paths, failures) as { version?: unknown } | undefined;
    if (!mod) {
      skipped.push(failures[0] ?? `${pkg}: not installed (run "dlnet: Install native TensorFlow backend" where its download host is reachable)`);
      continue;
    }
    if (await tf.setBackend('tensorflow')) {
      await tf.ready();
      const gpu = pkg.endsWith('gpu');
      const usingGpu = gpu && (tf.backend() as unknown as { isUsingGpuDevice?: boolean }).isUsingGpuDevice;
      const reason = gpu
        ? usingGpu ? 'native TensorFlow on the GPU (CUDA)' : 'tfjs-node-gpu is installed but found no usable GPU (it needs CUDA 11.2 and cuDNN 8.1), so it runs on the CPU'
        : 'native TensorFlow on the CPU';
      return { name: 'tensorflow', reason, skipped, gpu: !!usingGpu };
    }
    skipped.push(`${pkg}: installed but its backend failed to start`);
  }
  return undefined;
}

/**
 * The GPU adapters Dawn finds (on OpenGL ES too with `openGl`), or undefined with why in
 * `failures` (nothing there: the `webgpu` package is not installed).
 */
async function dawnAdapters(paths: string[], openGl: boolean, failures: string[]): Promise<GpuAdapter[] | undefined> {
  const webgpu = tryRequire('webgpu', paths, failures) as Parameters<typeof findGpuAdapters>[0] | undefined;
  if (!webgpu) return undefined;
  try {
    return await findGpuAdapters(webgpu, openGl);
  } catch (e) {
    failures.push(`webgpu: Dawn failed to start (${(e as Error).message})`);
    return undefined;
  }
}

async function tryWebgpu(paths: string[], skipped: string[], wanted: string | undefined, allowSoftware: boolean): Promise<BackendChoice | undefined> {
  const failures: string[] = [];
  const adapters = await dawnAdapters(paths, allowSoftware, failures);
  const backendModule = adapters && (tryRequire('@tensorflow/tfjs-backend-webgpu', paths, failures) as Parameters<typeof startWebgpu>[1] | undefined);
  if (!adapters || !backendModule) {
    skipped.push(failures[0] ?? 'webgpu: the optional packages `webgpu` and `@tensorflow/tfjs-backend-webgpu` are not installed');
    return undefined;
  }
  const { adapter, why } = pickGpuAdapter(adapters, wanted, allowSoftware);
  if (!adapter) {
    skipped.push(`webgpu: ${why}`);
    return undefined;
  }
  try {
    return { name: 'webgpu', reason: await startWebgpu(adapter, backendModule), skipped, gpu: true };
  } catch (e) {
    skipped.push(`webgpu: ${(e as Error).message}`);
    return undefined;
  }
}

/** Every GPU adapter Dawn finds, the software ones too (`dlnet backends` lists them); or why none can be looked for. */
export async function listGpuAdapters(paths: string[] = searchPaths()): Promise<{ adapters: { name: string; api: string; software: boolean }[]; why?: string }> {
  const failures: string[] = [];
  const adapters = await dawnAdapters(paths, true, failures);
  if (!adapters) return { adapters: [], why: failures[0] ?? 'the optional package `webgpu` is not installed' };
  return { adapters: adapters.map(({ name, api, software }) => ({ name, api, software })) };
}

async function tryWasm(skipped: string[]): Promise<BackendChoice | undefined> {
  const dir = wasmDir();
  if (!dir) {
    skipped.push('wasm: its .wasm binaries were not found');
    return undefined;
  }
  const { setWasmPaths } = await import('@tensorflow/tfjs-backend-wasm');
  setWasmPaths(dir.endsWith('/') ? dir : dir + '/');
  try {
    if (await tf.setBackend('wasm')) {
      await tf.ready();
      registerWasmKernels();
      return { name: 'wasm', reason: 'WebAssembly with SIMD on one core (wasm threads do not start under Node)', skipped };
    }
  } catch (e) {
    skipped.push(`wasm: failed to start (${(e as Error).message})`);
    return undefined;
  }
  skipped.push('wasm: failed to start');
  return undefined;
}

export interface BackendOptions {
  /** Where to look for the optional native and GPU packages. */
  paths?: string[];
  /** Part of the GPU adapter's name to train on (`--gpu`); also DLNET_GPU. */
  gpu?: string;
}

export async function selectBackend(requested: BackendName = 'auto', options: BackendOptions = {}): Promise<BackendChoice> {
  const skipped: string[] = [];
  const paths = options.paths ?? searchPaths();
  const gpu = options.gpu ?? (process.env.DLNET_GPU || undefined);
  const cpu = async (): Promise<BackendChoice> => {
    await tf.setBackend('cpu');
    await tf.ready();
    return { name: 'cpu', reason: 'plain JavaScript: the slowest, always available', skipped };
  };
  switch (requested) {
    case 'cpu': return cpu();
    case 'wasm': {
      const c = await tryWasm(skipped);
      if (!c) throw new BackendError(`the wasm backend is not available: ${skipped.join('; ')}`);
      return c;
    }
    case 'tensorflow': {
      const c = await tryTensorflow(paths, skipped);
      if (!c) throw new BackendError(`the tensorflow backend is not available: ${skipped.join('; ')}`);
      return c;
    }
    case 'webgpu': {
      const c = await tryWebgpu(paths, skipped, gpu, true);
      if (!c) throw new BackendError(`the webgpu backend is not available: ${skipped.join('; ')}`);
      return c;
    }
    case 'auto':
      return (await tryTensorflow(paths, skipped)) ?? (await tryWebgpu(paths, skipped, gpu, false)) ?? (await tryWasm(skipped)) ?? cpu();
  }
}
