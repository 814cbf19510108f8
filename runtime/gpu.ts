/**
 * WebGPU through Dawn (the optional `webgpu` package): finds the GPU adapters, picks
 * one, and starts tfjs's webgpu backend on it.
 *
 * Dawn is asked twice: once on its default backends at full WebGPU (Vulkan on Linux,
 * Metal, D3D12), once on OpenGL ES in compatibility mode through EGL without a
 * display. The second finds GPUs that only have GL drivers, and Mesa's software
 * renderer (llvmpipe) on machines with no GPU at all: far slower than wasm, so `auto`
 * never picks it, but it runs the webgpu path for real, and the tests use it.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BackendChoice } from './backend';
import { registerFasterWebgpuKernels } from './kernels/webgpu-faster';
import { uploadThroughQueue } from './kernels/webgpu-uploads';
import { reuseBindGroups } from './kernels/webgpu-bind-groups';
import { webgpuExtras } from './kernels/webgpu-program';
import { tf } from './tf';

interface WebgpuModule {
  create(flags: string[]): GpuEntry;
  globals: object;
}
interface GpuEntry {
  requestAdapter(options?: object): Promise<GpuAdapterHandle | null>;
}
interface GpuAdapterHandle {
  info?: { vendor?: string; architecture?: string; device?: string; description?: string; isFallbackAdapter?: boolean };
  features: Set<string>;
  limits: Record<string, number>;
  requestDevice(descriptor?: object): Promise<GpuDevice>;
}
interface GpuDevice {
  destroy(): void;
  limits: Record<string, number>;
  onuncapturederror: ((event: { error?: { message?: string } }) => void) | null;
}

export interface GpuAdapter {
  /** What users see and what `--gpu` matches: the device name, or the driver's description. */
  name: string;
  /** Dawn's route to it. */
  api: 'native' | 'OpenGL ES';
  /** A CPU pretending to be a GPU (llvmpipe, lavapipe, SwiftShader). */
  software: boolean;
  handle: GpuAdapterHandle;
  /** The Dawn instance that found it. */
  gpu: GpuEntry;
}

const SOFTWARE = /llvmpipe|lavapipe|swiftshader|softpipe|software/i;

function adapterName(info: GpuAdapterHandle['info']): string {
  const device = (info?.device ?? '').replace(/-+$/, '');
  const parts = [info?.vendor, device || info?.description].filter((p) => p);
  return parts.join(' ') || 'unnamed adapter';
}

function describe(handle: GpuAdapterHandle, api: GpuAdapter['api'], gpu: GpuEntry): GpuAdapter {
  const name = adapterName(handle.info);
  const software = !!handle.info?.isFallbackAdapter || SOFTWARE.test(`${name} ${handle.info?.description ?? ''}`);
  return { name, api, software, handle, gpu };
}

/**
 * The adapters Dawn offers: the high-performance and the low-power one natively, then
 * (with `openGl`, and only when no hardware adapter was found natively) the OpenGL ES
 * one. `auto` skips OpenGL ES: on most machines it finds only the software renderer,
 * and Dawn prints warnings on the way. Each route is asked once per process: an adapter
 * gives one device, and the backend keeps it.
 */
export async function findGpuAdapters(webgpu: WebgpuModule, openGl: boolean): Promise<GpuAdapter[]> {
  Object.assign(globalThis, webgpu.globals);
  // Without a Vulkan driver Dawn finds nothing natively on Linux, and says so on stderr: don't ask.
  discovered.native ??= process.platform === 'linux' && !vulkanDriverInstalled() ? Promise.resolve([]) : probe(webgpu, [], [{ powerPreference: 'high-performance' }, { powerPreference: 'low-power' }], 'native');
  const native = await discovered.native;
  // OpenGL ES would only offer a GPU already found natively again, and Dawn warns when EGL is missing.
  if (!openGl || native.some((a) => !a.software)) return native;
  // EGL needs no display on Mesa with this platform; set before Dawn first opens EGL.
  process.env.EGL_PLATFORM ??= 'surfaceless';
  discovered.gl ??= probe(webgpu, ['backend=opengles'], [{ featureLevel: 'compatibility' }], 'OpenGL ES');
  return [...native, ...(await discovered.gl)];
}

const discovered: { native?: Promise<GpuAdapter[]>; gl?: Promise<GpuAdapter[]> } = {};

/** Whether the Vulkan loader has a driver manifest to load, where it looks on Linux (or one named by environment). */
export function vulkanDriverInstalled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.VK_ICD_FILENAMES || env.VK_DRIVER_FILES || env.VK_ADD_DRIVER_FILES) return true;
  const dataDirs = (env.XDG_DATA_DIRS || '/usr/local/share:/usr/share').split(':');
  const configDirs = (env.XDG_CONFIG_DIRS || '/etc/xdg').split(':');
  const home = env.HOME ? [join(env.HOME, '.local/share')] : [];
  const roots = ['/etc', '/usr/local/etc', ...configDirs, ...dataDirs, ...home];
  return roots.some((root) => {
    try {
      return readdirSync(join(root, 'vulkan', 'icd.d')).some((f) => f.endsWith('.json'));
    } catch {
      return false;
    }
  });
}

async function probe(webgpu: WebgpuModule, flags: string[], requests: object[], api: GpuAdapter['api']): Promise<GpuAdapter[]> {
  // DLNET_DAWN_FLAGS: more of Dawn's instance flags, semicolon-separated (e.g. enable-dawn-features=skip_validation), for measuring.
  const extra = process.env.DLNET_DAWN_FLAGS ? process.env.DLNET_DAWN_FLAGS.split(/;/) : [];
  const gpu = webgpu.create([...flags, ...extra]);
  const found: GpuAdapter[] = [];
  for (const options of requests) {
    const handle = await gpu.requestAdapter(options).catch(() => null);
    if (!handle) continue;
    const a = describe(handle, api, gpu);
    if (!found.some((f) => f.name === a.name)) found.push(a);
  }
  return found;
}

/**
 * The adapter to train on: the one whose name contains `wanted` (case-insensitive),
 * else the first hardware one; a software one only when `allowSoftware`.
 */
export function pickGpuAdapter(adapters: GpuAdapter[], wanted: string | undefined, allowSoftware: boolean): { adapter?: GpuAdapter; why?: string } {
  const list = () => (adapters.length ? adapters.map(label).join(', ') : 'none');
  if (wanted) {
    const adapter = adapters.find((a) => a.name.toLowerCase().includes(wanted.toLowerCase()));
    return adapter ? { adapter } : { why: `no GPU adapter matches '${wanted}' (found: ${list()})` };
  }
  const hardware = adapters.find((a) => !a.software);
  if (hardware) return { adapter: hardware };
  if (adapters.length && allowSoftware) return { adapter: adapters[0] };
  if (adapters.length) return { why: `only a software adapter (${list()}), slower than wasm; ask for it with --backend webgpu` };
  const noVulkan = process.platform === 'linux' && !vulkanDriverInstalled() ? '; no Vulkan driver is installed' : '';
  return { why: allowSoftware ? `no GPU adapter found${noVulkan}` : `no GPU adapter found${noVulkan} (OpenGL ES and software adapters are tried with --backend webgpu only)` };
}

function label(a: GpuAdapter): string {
  return `${a.name} (${a.api}${a.software ? ', software' : ''})`;
}

let current: { device: GpuDevice; adapter: GpuAdapter } | undefined;

/** Starts tfjs's webgpu backend on the chosen adapter (again, if another was in use). */
export async function startWebgpu(adapter: GpuAdapter, backendModule: { WebGPUBackend: new (device: GpuDevice, info?: object) => tf.KernelBackend }): Promise<BackendChoice['reason']> {
  if (current?.adapter !== adapter) {
    const limits = adapter.handle.limits;
    const device = await adapter.handle.requestDevice({
      requiredFeatures: adapter.handle.features.has('timestamp-query') ? ['timestamp-query'] : [],
      // tfjs's own factory asks for the adapter's maxima of these; so do we.
      requiredLimits: Object.fromEntries(['maxComputeWorkgroupStorageSize', 'maxComputeWorkgroupsPerDimension', 'maxStorageBufferBindingSize', 'maxBufferSize', 'maxComputeWorkgroupSizeX', 'maxComputeInvocationsPerWorkgroup'].map((k) => [k, limits[k]])),
    });
    // tfjs's backend asks for navigator.gpu before it starts (Node 20 has no navigator).
    const g = globalThis as { navigator?: { gpu?: unknown } };
    g.navigator ??= {};
    g.navigator.gpu = adapter.gpu;
    if (tf.findBackend('webgpu')) tf.removeBackend('webgpu');
    tf.registerBackend('webgpu', () => new backendModule.WebGPUBackend(device, adapter.handle.info), 1);
    registerFasterWebgpuKernels();
    current?.device.destroy();
    current = { device, adapter };
    // tfjs never asks whether the device accepted its work: a program that failed to compile leaves its output unwritten.
    device.onuncapturederror = (event) => {
      gpuError ??= event.error?.message ?? 'an error without a message';
    };
  }
  if (!(await tf.setBackend('webgpu'))) throw new Error('the webgpu backend failed to start on ' + label(adapter));
  await tf.ready();
  if (webgpuExtras().on) uploadThroughQueue(tf.backend());
  if (webgpuExtras().cache) reuseBindGroups(tf.backend());
  return `WebGPU (Dawn) on ${label(adapter)}${adapter.software ? ': a software renderer on the CPU, for testing the GPU path, slower than wasm' : ''}`;
}

let gpuError: string | undefined;

/** The first error the GPU device reported since the last call (its first line), if any. */
export function takeGpuError(): string | undefined {
  const error = gpuError;
  gpuError = undefined;
  return error?.split('\n').find((line) => line.trim())?.trim();
}

/** A limit of the device the webgpu backend runs on (undefined without one). */
export function gpuLimit(name: string): number | undefined {
  return current?.device.limits[name];
}

/**
 * Gives the GPU memory of a finished run back: tfjs keeps released buffers for reuse,
 * which would hold a run's peak memory until the process ends.
 */
export function releaseGpuMemory(): void {
  if (tf.getBackend() !== 'webgpu') return;
  const manager = (tf.backend() as unknown as { bufferManager?: { freeBuffers: Map<string, { size: number; destroy(): void }[]>; numFreeBuffers: number; numBytesAllocated: number } }).bufferManager;
  if (!manager) return;
  for (const buffers of manager.freeBuffers.values()) {
    // Keep the keys: tfjs takes an empty map to mean a disposed backend.
    for (const b of buffers.splice(0)) {
      manager.numBytesAllocated -= b.size;
      b.destroy();
    }
  }
  manager.numFreeBuffers = 0;
}
