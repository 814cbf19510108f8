/** The panel's messages to the extension host: only well-formed ones get through. */
import { describe, expect, it } from 'vitest';
import { validateMessage } from '../client/webview/protocol';

describe('validateMessage', () => {
  it('passes setBatchSize with a line and a whole batch size, and nothing else', () => {
    expect(validateMessage({ type: 'setBatchSize', line: 7, value: 256 })).toEqual({ type: 'setBatchSize', line: 7, value: 256 });
    for (const bad of [{ line: -1, value: 8 }, { line: 1.5, value: 8 }, { line: 3, value: 0 }, { line: 3, value: 2.5 }, { line: 3, value: '64' }, { line: 3, value: 1e9 }, { line: 3 }]) {
      expect(validateMessage({ type: 'setBatchSize', ...bad })).toBeUndefined();
    }
    expect(validateMessage({ type: 'reveal', line: 2 })).toEqual({ type: 'reveal', line: 2 });
    expect(validateMessage({ type: 'reveal', line: -2 })).toBeUndefined();
    expect(validateMessage({ type: 'reveal', line: 2, character: 11 })).toEqual({ type: 'reveal', line: 2, character: 11 });
    for (const character of [-1, 0.5, '3', null]) expect(validateMessage({ type: 'reveal', line: 2, character })).toBeUndefined();
  });

  it('passes predict with a run folder and a text that has a word, and nothing else', () => {
    expect(validateMessage({ type: 'predict', run: '/w/runs/Reader-1', text: 'not dull' })).toEqual({ type: 'predict', run: '/w/runs/Reader-1', text: 'not dull' });
    for (const bad of [{ run: '', text: 'a' }, { run: 7, text: 'a' }, { run: '/r', text: '  ' }, { run: '/r', text: 3 }, { run: '/r', text: 'x'.repeat(10_001) }, { run: '/r' }]) {
      expect(validateMessage({ type: 'predict', ...bad })).toBeUndefined();
    }
  });

  it('passes predictImage with a run folder and a PNG in base64 of a sane size, and nothing else', () => {
    expect(validateMessage({ type: 'predictImage', run: '/w/runs/LeNet-1', png: 'iVBORw0KGgo=' })).toEqual({ type: 'predictImage', run: '/w/runs/LeNet-1', png: 'iVBORw0KGgo=' });
    for (const bad of [{ run: '/w', png: '' }, { run: '', png: 'iVBO' }, { run: '/w', png: 'not base64!' }, { run: '/w', png: 'A'.repeat(2_000_004) }, { run: '/w', png: 42 }, { run: 7, png: 'iVBO' }]) {
      expect(validateMessage({ type: 'predictImage', ...bad })).toBeUndefined();
    }
  });

  it('passes predictRow with a run folder and string values by column name, and nothing else', () => {
    expect(validateMessage({ type: 'predictRow', run: '/w/runs/P-1', values: { Pclass: '1', Sex: 'female' } })).toEqual({ type: 'predictRow', run: '/w/runs/P-1', values: { Pclass: '1', Sex: 'female' } });
    for (const bad of [{ run: '/w', values: {} }, { run: '/w', values: { a: 1 } }, { run: '/w', values: ['1'] }, { run: '/w', values: null }, { run: '', values: { a: '1' } }, { run: '/w', values: { a: 'x'.repeat(10_001) } }]) {
      expect(validateMessage({ type: 'predictRow', ...bad })).toBeUndefined();
    }
  });
});
