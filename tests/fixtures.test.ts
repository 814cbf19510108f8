/** Data-driven checker tests: every .dlnet file under tests/fixtures carries its expectations inline. */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileHost } from '../runtime/files';
import { checkExpectations } from './support/check-expectations';
import { dlnetFiles } from './support/files';

const root = join(__dirname, 'fixtures');

describe('fixtures', () => {
  for (const file of dlnetFiles(root)) {
    it(relative(root, file), () => {
      expect(checkExpectations(readFileSync(file, 'utf8'), fileHost(file))).toEqual([]);
    });
  }
});
