import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Every .dlnet file below a folder. */
export function dlnetFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    return statSync(full).isDirectory() ? dlnetFiles(full) : name.endsWith('.dlnet') ? [full] : [];
  });
}
