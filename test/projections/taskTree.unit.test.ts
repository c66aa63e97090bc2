import { testEngine, rejection } from '../support/engine';

/** Given a tree of tasks, then tree, children and ancestors (Nutanix's parent/root/sub_tasks). */
describe('task tree read model', () => {
  const setup = async () => {
    const t = testEngine();
    const { engine } = t;
    await engine.create({ id: 'root', name: 'pipeline', type: 'controller' });
    await engine.create({ id: 'a', name: 'a', type: 'training', parent: 'root' });
    await engine.create({ id: 'b', name: 'b', type: 'training', parent: 'root' });
    await engine.create({ id: 'a1', name: 'a1', type: 'training', parent: 'a' });
    await engine.create({ id: 'a2', name: 'a2', type: 'training', parent: 'a' });
    return t;
  };

  it('gives parent, root, depth and ancestors', async () => {
    const { engine } = await setup();
    expect(await engine.tree('a1')).toMatchObject({
      id: 'a1',
      parent_task: { id: 'a' },
      root_task: { id: 'root' },
      depth: 2,
      ancestors: [{ id: 'a' }, { id: 'root' }],
      number_of_subtasks: 0,
      descendants: 0,
    });
    expect((await engine.ancestors('a1')).map((t) => t.id)).toEqual(['a', 'root']);
    expect(await engine.tree('root')).toMatchObject({ depth: 0, root_task: { id: 'root' }, ancestors: [] });
    expect((await engine.tree('root')).parent_task).toBeUndefined();
  });

  it('counts children and descendants by status and rolls up progress from the children', async () => {
    const { engine } = await setup();
    await engine.started({ id: 'a1' });
    await engine.reportProgress({ id: 'a1', percentage: 50 });
    await engine.started({ id: 'a2' });
    await engine.completed({ id: 'a2' });
    await engine.enqueue({ id: 'b' });
    const root = await engine.tree('root');
    expect(root).toMatchObject({
      number_of_subtasks: 2,
      descendants: 4,
      status_counts: { created: 1, queued: 1, in_progress: 1, completed: 1 },
    });
    expect(root.sub_tasks.map((t) => t.id)).toEqual(['a', 'b']);
    expect((await engine.tree('a')).progress_percentage).toBe(75);
    expect((await engine.children('a')).map((t) => [t.id, t.status])).toEqual([
      ['a1', 'in_progress'],
      ['a2', 'completed'],
    ]);
  });

  it('moving a task (edit of parent) moves its subtree', async () => {
    const { engine } = await setup();
    await engine.edit({ id: 'a', parent: 'b' });
    expect(await engine.tree('a1')).toMatchObject({
      depth: 3,
      ancestors: [{ id: 'a' }, { id: 'b' }, { id: 'root' }],
    });
    expect((await engine.children('b')).map((t) => t.id)).toEqual(['a']);
    expect(await engine.tree('root')).toMatchObject({ number_of_subtasks: 1, descendants: 4 });
  });

  it('a deleted parent shows as deleted, and its children still hang from it', async () => {
    const { engine } = await setup();
    await engine.delete({ id: 'a', force: true });
    expect(await engine.tree('a1')).toMatchObject({
      parent_task: { id: 'a', deleted: true },
      root_task: { id: 'root' },
    });
    expect(await engine.tree('root')).toMatchObject({ number_of_subtasks: 1, descendants: 3 });
    await rejection(engine.get('a'), 'not_found');
  });

  it('an unknown task is not_found', async () => {
    const { engine } = await setup();
    await rejection(engine.tree('nope'), 'not_found');
    await rejection(engine.children('nope'), 'not_found');
  });

  it('only previews 100 sub-tasks but counts them all', async () => {
    const { engine } = testEngine();
    await engine.create({ id: 'p', name: 'p', type: 'controller' });
    for (let i = 0; i < 120; i++)
      await engine.create({ id: `c${String(i).padStart(3, '0')}`, name: 'c', type: 'training', parent: 'p' });
    const tree = await engine.tree('p');
    expect(tree.sub_tasks).toHaveLength(100);
    expect(tree.number_of_subtasks).toBe(120);
    expect(await engine.children('p')).toHaveLength(120);
  });
});
