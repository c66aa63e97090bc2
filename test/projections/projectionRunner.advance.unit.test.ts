import { getProjectionRunner } from '../../src/projections/projectionRunner';
import { headPosition } from '../../src/ports/eventStore';
import { INLINE_CHECKPOINT_INTERVAL } from '../../src/projections/inlineProjections';
import { projections } from '../../src/projections/registry';
import { testEngine } from '../support/engine';

const HOUR_MS = 60 * 60_000;

/**
 * A few appended events with every checkpoint left at 0 (as on PostgreSQL, where the appends
 * do not move them), and a runner that moves them as an engine's would.
 */
const setUp = async (advanceAfterMs: number) => {
  const { engine, store, readModels } = testEngine();
  for (const id of ['a', 'b']) await engine.create({ id, name: id, type: 'training' });
  const runner = getProjectionRunner({
    store,
    readModels,
    inline: true,
    advanceCheckpoints: true,
    advanceAfterMs,
  });
  const positions = async () =>
    Promise.all(projections.map(async (p) => (await readModels.checkpoint(p.name))?.position));
  return { engine, runner, positions, head: await headPosition(store) };
};

describe('projection runner, moving inline checkpoints after the appends of an engine (advance)', () => {
  it('moves them to the head at the interval-th append, not before', async () => {
    const { engine, runner, positions, head } = await setUp(HOUR_MS);
    for (let i = 1; i < INLINE_CHECKPOINT_INTERVAL; i++) runner.advance();
    await runner.advanced();
    expect(await positions()).toEqual(projections.map(() => 0n));

    runner.advance();
    await runner.advanced();
    expect(await positions()).toEqual(projections.map(() => head));
    await engine.close();
  });

  it('moves them at the first append once advanceAfterMs has passed, however few appends', async () => {
    const { engine, runner, positions, head } = await setUp(0);
    runner.advance();
    await runner.advanced();
    expect(await positions()).toEqual(projections.map(() => head));
    await engine.close();
  });
});
