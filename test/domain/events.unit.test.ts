import * as t from 'io-ts';
import fc from 'fast-check';
import { isRight } from 'fp-ts/Either';
import { decodeStoredEvent, decodeTaskEvent, eventCodecs, EventMetadata } from '../../src/domain/events';
import type { TaskledgerError } from '../../src/domain/errors';

const metadata = { commandId: 'c1', actor: 'alice', at: '2026-01-01T00:00:00.000Z', schemaVersion: 1 };
const stored = (type: string, data: unknown, meta: unknown = metadata) => ({
  type,
  data,
  metadata: meta,
  streamName: 'task-x',
  revision: 3n,
  position: 42n,
});

const valid: readonly { type: string; data: Record<string, unknown> }[] = [
  {
    type: 'TaskCreated',
    data: { id: 'x', name: 'n', type: 'training', tags: ['a'], parameters: { lr: 0.1 } },
  },
  {
    type: 'TaskEnqueued',
    data: { from: 'created', to: 'queued', status_reason: '', status_message: '', queue: 'q' },
  },
  {
    type: 'TaskStarted',
    data: { from: 'queued', to: 'in_progress', status_reason: '', status_message: '', worker: 'w' },
  },
  {
    type: 'MetricsReported',
    data: {
      metrics: [{ metric: 'loss', variant: 'train', iteration: 1, value: 0.5, timestamp: 't' }],
      worker: 'w',
    },
  },
  {
    type: 'ExecutionReported',
    data: { logs: [{ name: 'out', uri: 'u' }], custom_info: { a: [1] }, reason: 'r' },
  },
  { type: 'TaskEdited', data: { changes: { name: 'm', script: { branch: 'main' } }, forced: false } },
  { type: 'TaskDeleted', data: { status: 'created', forced: true } },
];

const failureOf = (run: () => unknown): TaskledgerError => {
  try {
    run();
  } catch (e) {
    return e as TaskledgerError;
  }
  throw new Error('expected a failure');
};

describe('decoding events read back from a store', () => {
  it.each(valid)('decodes a valid $type to what was stored', ({ type, data }) => {
    const event = decodeStoredEvent(stored(type, data));
    expect(event).toMatchObject({ type, data, metadata });
  });

  it.each([
    ['a missing field', 'TaskStarted', { from: 'queued', status_reason: '', status_message: '' }, 'to'],
    ['a status that does not exist', 'TaskEnqueued', { ...valid[1]?.data, to: 'sideways' }, 'to'],
    [
      'an unknown field inside a metric report',
      'MetricsReported',
      { metrics: [{ metric: 'loss', variant: 'v', iteration: 1, value: 1, colour: 'red' }] },
      'metrics.0.colour',
    ],
    [
      'a metric value that is not finite',
      'MetricsReported',
      { metrics: [{ metric: 'loss', variant: 'v', iteration: 1, value: '1' }] },
      'metrics.0.value',
    ],
  ])('refuses %s as corrupt_event naming the position and the field', (_, type, data, field) => {
    const error = failureOf(() => decodeStoredEvent(stored(type, data)));
    expect(error.code).toBe('corrupt_event');
    expect(error.message).toContain('position 42');
    // io-ts numbers the parts of an intersection: data.0.0.to is data's `to`.
    expect(error.message).toMatch(new RegExp(`at data(\\.\\d+)*\\.${field.replace(/\./g, '\\.')}:`));
  });

  it('refuses a metric field named after a member of Object.prototype', () => {
    const metric = JSON.parse(
      '{"metric": "loss", "variant": "v", "iteration": 1, "value": 1, "constructor": "x"}',
    ) as unknown;
    const error = failureOf(() => decodeStoredEvent(stored('MetricsReported', { metrics: [metric] })));
    expect(error.message).toMatch(/at data(\.\d+)*\.metrics\.0\.constructor: unknown field/);
  });

  it('refuses bad metadata and an unknown type', () => {
    expect(
      failureOf(() => decodeStoredEvent(stored('TaskPinged', {}, { ...metadata, at: 1 }))).message,
    ).toMatch(/at metadata(\.\d+)*\.at:/);
    expect(failureOf(() => decodeStoredEvent(stored('TaskTeleported', {}))).code).toBe('corrupt_event');
  });

  it('accepts exactly what the full io-ts decode of the envelope accepts, for any change to a valid event', () => {
    const reference = (type: keyof typeof eventCodecs) =>
      t.type({ type: t.literal(type), data: eventCodecs[type], metadata: EventMetadata });
    const json = fc.jsonValue();
    fc.assert(
      fc.property(
        fc.constantFrom(...valid),
        fc.constantFrom('data', 'metadata', 'metric'),
        fc.string({ maxLength: 12 }),
        fc.option(json, { nil: undefined }),
        ({ type, data }, where, key, value) => {
          const changed = structuredClone({ data, metadata }) as Record<
            'data' | 'metadata',
            Record<string, unknown>
          >;
          const metrics = changed.data['metrics'];
          const target: Record<string, unknown> =
            where === 'metric' && Array.isArray(metrics)
              ? (metrics[0] as Record<string, unknown>)
              : changed[where === 'metadata' ? 'metadata' : 'data'];
          const field = key === '' ? (Object.keys(target)[0] ?? 'x') : key;
          if (value === undefined) delete target[field];
          else target[field] = value;
          const input = { type, ...changed };
          const ours = isRight(decodeTaskEvent(input));
          const full = isRight(reference(type as keyof typeof eventCodecs).decode(input));
          expect(ours).toBe(full);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
