import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { TestClient } from './client';

let client: TestClient;
beforeAll(async () => {
  client = new TestClient();
  await client.initialize();
});
afterAll(() => client.dispose());

const good = `dataset rings = rings()
model M {
  input x: [2]
  dense(1, activation: sigmoid)
}
train M on rings { loss: binaryCrossentropy }
`;

describe('diagnostics', () => {
  it('publishes diagnostics with codes, links to the reference, related information and tags', async () => {
    const diags = await client.open('file:///diag/a.dlnet', `model M {\n  input image: [28, 28, 1]\n  flatten\n  conv2d(8, kernel: 3)\n}\n`);
    const d = diags.find((x) => x.code === 'rank-mismatch')!;
    expect(d.severity).toBe(1);
    expect(d.source).toBe('dlnet');
    expect(d.range).toEqual({ start: { line: 3, character: 2 }, end: { line: 3, character: 22 } });
    expect(d.codeDescription?.href).toMatch(/docs\/language\.md#rank-mismatch$/);
    expect(d.relatedInformation?.[0].location.range.start.line).toBe(2);
    const unused = diags.find((x) => x.code === 'unused')!;
    expect(unused.tags).toEqual([1]);
  });

  it('updates on incremental changes and clears when fixed', async () => {
    const uri = 'file:///diag/b.dlnet';
    expect(await client.open(uri, good)).toEqual([]);
    const broken = await client.change(uri, 'dnse', { start: { line: 3, character: 2 }, end: { line: 3, character: 7 } });
    expect(broken.map((d) => d.code)).toContain('unknown-layer');
    const fixed = await client.change(uri, 'dense', { start: { line: 3, character: 2 }, end: { line: 3, character: 6 } });
    expect(fixed).toEqual([]);
  });

  it('moves the diagnostics of the declarations below a new line, and leaves another document with the same text alone', async () => {
    const text = `model M {\n  input x: [2]\n  dense(3)\n  later\n  later = dense(1)\n}\nmodel N {\n  input x: [4]\n  flatten\n  conv2d(8, kernel: 3)\n}\n`;
    const summary = (ds: { code?: unknown; range: { start: { line: number } }; message: string }[]) => ds.filter((d) => d.code !== 'unused').map((d) => `${d.code}@${d.range.start.line}: ${d.message}`).sort();
    const before = summary(await client.open('file:///diag/moves.dlnet', text));
    const other = summary(await client.open('file:///diag/same.dlnet', text));
    expect(other).toEqual(before);
    expect(before).toEqual(['rank-mismatch@9: conv2d expects a rank-3 input [height, width, channels], got [4] (from `flatten` on line 9)', 'used-before-bound@3: `later` is used before it is bound on line 5']);
    for (let n = 1; n <= 3; n++) {
      const after = summary(await client.change('file:///diag/moves.dlnet', '\n', { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }));
      expect(after).toEqual([
        `rank-mismatch@${9 + n}: conv2d expects a rank-3 input [height, width, channels], got [4] (from \`flatten\` on line ${9 + n})`,
        `used-before-bound@${3 + n}: \`later\` is used before it is bound on line ${5 + n}`,
      ]);
    }
    // The other document's analysis is untouched: a fresh edit there still finds its lines.
    expect(summary(await client.change('file:///diag/same.dlnet', text))).toEqual(before);
  });

  it('keeps its copy of the text right when an edit joins a \\r and a \\n into one line break', async () => {
    const uri = 'file:///diag/crlf.dlnet';
    await client.open(uri, good);
    // `{` then a \r typed before the \n: one CRLF line break, not two.
    await client.change(uri, '\r', { start: { line: 1, character: 9 }, end: { line: 1, character: 9 } });
    const after = await client.change(uri, 'x', { start: { line: 3, character: 2 }, end: { line: 3, character: 2 } });
    expect(after.map((d) => `${d.code}@${d.range.start.line}:${d.range.start.character}`)).toEqual(['unknown-layer@3:2']);
    expect(after[0].message).toMatch(/unknown layer 'xdense'/);
  });

  it('survives garbage and keeps serving', async () => {
    const uri = 'file:///diag/c.dlnet';
    const diags = await client.open(uri, 'model { ( [ -> }}} train vs on @@@ \u0000');
    expect(diags.length).toBeGreaterThan(0);
    expect(await client.change(uri, good)).toEqual([]);
  });
});

describe('dlnet lsp', () => {
  it('serves the same language server from the command line (which loads dist/server.js only then)', async () => {
    const viaCli = new TestClient([join(__dirname, '..', '..', 'dist', 'cli.js'), 'lsp', '--stdio']);
    try {
      await viaCli.initialize();
      const diags = await viaCli.open('file:///cli/a.dlnet', good.replace('dense(1', 'dnse(1'));
      expect(diags.map((d) => d.code)).toContain('unknown-layer');
    } finally {
      viaCli.dispose();
    }
  });
});
