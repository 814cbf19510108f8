import { analyze } from '../dsl';
import { readFileSync } from 'fs';
const src = readFileSync(process.argv[2], 'utf8');
const a = analyze(src);
for (const d of a.diagnostics) console.log(`${d.range.start.line + 1}:${d.range.start.character + 1} ${d.severity}[${d.code}] ${d.message}${d.fixes ? '  FIX: ' + d.fixes.map(f => f.title).join(' | ') : ''}`);
for (const m of a.models) console.log(m.name, m.totalParams, m.ok, m.layers.map(l => `${l.id}:${JSON.stringify(l.outputShape)}:${l.params}`).join(' '));
