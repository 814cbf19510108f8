/** The edit behind the panel's "Use batchSize: N": every way a train statement may be written. */
import { describe, expect, it } from 'vitest';
import { analyze } from '../dsl';
import { settingEdit } from '../dsl/ide';
import { applyEdits } from './protocol/edits';

const model = `dataset d = blobs(centers: 3, dims: 4)
model M {
  input x: [4]
  dense(3, activation: softmax)
}
`;

function apply(train: string): string {
  const text = model + train;
  const edit = settingEdit(text, 5, 'batchSize', '128');
  expect(edit).toBeDefined();
  const out = applyEdits(text, [edit!]);
  const a = analyze(out);
  expect(a.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(a.trains[0].settings.batchSize).toBe(128);
  return out.slice(model.length);
}

describe('settingEdit', () => {
  it('replaces a written value', () => {
    expect(apply('train M on d { loss: categoricalCrossentropy; batchSize: 32 }')).toBe('train M on d { loss: categoricalCrossentropy; batchSize: 128 }');
  });
  it('adds to a one-line block after its last setting', () => {
    expect(apply('train M on d { loss: categoricalCrossentropy; epochs: 2 }')).toBe('train M on d { loss: categoricalCrossentropy; epochs: 2; batchSize: 128 }');
  });
  it('adds a line of its own, indented like the others, to a block over several lines', () => {
    expect(apply('train M on d {\n    loss: categoricalCrossentropy\n    epochs: 2\n}\n')).toBe('train M on d {\n    loss: categoricalCrossentropy\n    epochs: 2\n    batchSize: 128\n}\n');
  });
  it('adds its line with the line break the file uses', () => {
    const text = (model + 'train M on d {\n  loss: categoricalCrossentropy\n}\n').replace(/\n/g, '\r\n');
    expect(applyEdits(text, [settingEdit(text, 5, 'batchSize', '128')!]).slice(model.length + 5)).toBe('train M on d {\r\n  loss: categoricalCrossentropy\r\n  batchSize: 128\r\n}\r\n');
  });
  it('fills an empty block and adds a block where there is none', () => {
    // A train statement needs a loss, so these two are checked for the edit's text only.
    const text = model + 'train M on d {}';
    expect(applyEdits(text, [settingEdit(text, 5, 'batchSize', '128')!]).slice(model.length)).toBe('train M on d { batchSize: 128}');
    const bare = model + 'train M on d';
    expect(applyEdits(bare, [settingEdit(bare, 5, 'batchSize', '128')!]).slice(model.length)).toBe('train M on d { batchSize: 128 }');
  });
  it('finds nothing to edit on a line without a train statement', () => {
    expect(settingEdit(model, 1, 'batchSize', '128')).toBeUndefined();
  });
});
