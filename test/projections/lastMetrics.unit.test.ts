import { testEngine, rejection } from '../support/engine';

describe('last metrics read model', () => {
  it('keeps last, min, max, first, count and mean per metric and variant, and last_iteration', async () => {
    const { engine } = testEngine();
    await engine.create({ id: 'a', name: 'a', type: 'training' });
    await engine.started({ id: 'a' });
    await engine.reportMetrics({
      id: 'a',
      metrics: [{ metric: 'loss', variant: 'train', iteration: 2, value: 4 }],
    });
    await engine.reportMetrics({
      id: 'a',
      metrics: [
        { metric: 'loss', variant: 'train', iteration: 1, value: 2 },
        { metric: 'loss', variant: 'val', iteration: 5, value: 9 },
      ],
    });
    const doc = await engine.lastMetrics('a');
    expect(doc.last_iteration).toBe(5);
    expect(doc.metrics['loss']?.['train']).toMatchObject({
      value: 4,
      iteration: 2,
      min_value: 2,
      min_value_iteration: 1,
      max_value: 4,
      first_value: 4,
      count: 2,
      mean_value: 3,
    });
    expect(doc.metrics['loss']?.['val']).toMatchObject({ value: 9, count: 1 });
    // The task document carries the same (ClearML's last_metrics).
    expect((await engine.get('a')).last_metrics).toEqual(doc.metrics);
  });

  it('is cleared by reset and gone with the task', async () => {
    const { engine } = testEngine();
    await engine.create({ id: 'a', name: 'a', type: 'training' });
    await engine.started({ id: 'a' });
    await engine.reportMetrics({ id: 'a', metrics: [{ metric: 'm', variant: 'v', iteration: 1, value: 1 }] });
    await engine.reset({ id: 'a' });
    expect(await engine.lastMetrics('a')).toEqual({ task_id: 'a', metrics: {} });
    await engine.delete({ id: 'a' });
    await rejection(engine.lastMetrics('a'), 'not_found');
  });
});
