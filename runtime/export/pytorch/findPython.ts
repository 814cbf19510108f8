/** A Python that can run exported projects: $DLNET_PYTHON, else Debian's python3 (python3-torch), else python3 on PATH. */
import { spawnSync } from 'node:child_process';

function hasTorch(python: string): boolean {
  return spawnSync(python, ['-c', 'import torch, numpy'], { stdio: 'ignore' }).status === 0;
}

export function findPythonWithTorch(): string | undefined {
  return [process.env.DLNET_PYTHON, '/usr/bin/python3', 'python3'].find((p): p is string => !!p && hasTorch(p));
}
