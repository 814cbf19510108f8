/** `npm run docs`: regenerates the catalogue section of docs/language.md. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withCatalogue } from './reference';

const path = join(__dirname, '..', 'docs', 'language.md');
writeFileSync(path, withCatalogue(readFileSync(path, 'utf8')));
console.log(`wrote ${path}`);
