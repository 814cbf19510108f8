/** The Python with PyTorch the export tests run: $DLNET_PYTHON, else Debian's python3 (python3-torch), else python3 on PATH. */
import { spawnSync } from 'node:child_process';

function hasTorch(python: string): boolean {
  return spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

export const python = [process.env.DLNET_PYTHON, '/usr/bin/python3', 'python3'].find((p): p is string => !!p && hasTorch(p));

/** CI installs python3-torch, so there a missing PyTorch is a failure, not a skip. */
export const requirePython = process.env.CI === 'true' || process.env.DLNET_REQUIRE_TORCH === '1';
