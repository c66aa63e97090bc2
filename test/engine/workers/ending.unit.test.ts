import { endingOf, resultText, errorText } from '../../../src/engine/workers/ending';
import { getProgressBuffer } from '../../../src/engine/workers/progressBuffer';
import { getNotesBuffer, MAX_NOTE_CHARS } from '../../../src/engine/workers/notesBuffer';

describe('how a run ends', () => {
  const returned = (value: unknown) => ({ kind: 'returned' as const, value });
  const threw = (error: unknown) => ({ kind: 'threw' as const, error });

  it('completes with the returned value, fails with the thrown message', () => {
    expect(endingOf(returned('ok'), undefined)).toEqual({ kind: 'completed', result: 'ok' });
    expect(endingOf(returned(undefined), undefined)).toEqual({ kind: 'completed' });
    expect(endingOf(threw(new Error('boom')), undefined)).toEqual({ kind: 'failed', error: 'boom' });
  });

  it('once the signal fired, ends as the signal says, whatever the handler did', () => {
    for (const outcome of [returned('ok'), threw(new Error('interrupted'))]) {
      expect(endingOf(outcome, 'stop_requested')).toEqual({ kind: 'stopped' });
      expect(endingOf(outcome, 'closing')).toEqual({ kind: 'requeued' });
      expect(endingOf(outcome, 'lost')).toEqual({ kind: 'lost' });
    }
  });

  it('stores results as text and errors as their message', () => {
    expect(resultText({ a: 1n })).toBe('{"a":"1"}');
    expect(resultText(null)).toBeUndefined();
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    expect(resultText(circular)).toBe('[object Object]');
    expect(errorText('plain')).toBe('plain');
    expect(errorText(new TypeError(''))).toBe('TypeError');
  });
});

describe('progress between flushes', () => {
  it('keeps the latest bare percentage and every step', () => {
    const buffer = getProgressBuffer();
    buffer.add(10);
    buffer.add(20);
    buffer.add(30, 'load');
    buffer.add(40);
    buffer.add(50);
    expect(buffer.take()).toEqual([{ percentage: 20 }, { percentage: 30, step: 'load' }, { percentage: 50 }]);
    expect(buffer.take()).toEqual([]);
  });
});

describe('log lines between flushes', () => {
  it('are joined, the oldest dropped past the limit, and the drop said', () => {
    const buffer = getNotesBuffer();
    expect(buffer.take()).toBeUndefined();
    buffer.add('a');
    buffer.add('b');
    expect(buffer.take()).toBe('a\nb');
    const line = 'x'.repeat(1_000);
    for (let i = 0; i < 40; i++) buffer.add(`${i} ${line}`);
    const text = buffer.take() ?? '';
    expect(text.length).toBeLessThanOrEqual(MAX_NOTE_CHARS);
    expect(text).toMatch(/^… \d+ earlier lines dropped\n/);
    expect(text.endsWith(`39 ${line}`)).toBe(true);
  });
});
