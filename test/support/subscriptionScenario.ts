import type { Engine } from '../../src/engine/engine';

/**
 * Tasks in two projects and one tree (root → child → grandchild), with status changes and
 * non-status events mixed: enough for every filter to select something and leave something out.
 */
export const writeSubscriptionScenario = async (engine: Engine) => {
  await engine.create({ id: 'root', name: 'pipeline', type: 'controller', project: 'etl' });
  await engine.create({ id: 'child', name: 'step', type: 'data_processing', project: 'etl', parent: 'root' });
  await engine.create({
    id: 'grandchild',
    name: 'sub-step',
    type: 'data_processing',
    project: 'ml',
    parent: 'child',
  });
  await engine.create({ id: 'other', name: 'fit', type: 'training', project: 'ml' });
  await engine.create({ id: 'loner', name: 'misc', type: 'custom' });
  await engine.enqueue({ id: 'root' });
  await engine.started({ id: 'root' });
  await engine.enqueue({ id: 'child' });
  await engine.started({ id: 'child' });
  await engine.reportMetrics({
    id: 'child',
    metrics: [{ metric: 'rows', variant: 'in', iteration: 1, value: 10 }],
  });
  await engine.failed({ id: 'child', error: 'bad row', status_reason: 'input' });
  await engine.enqueue({ id: 'other' });
  await engine.started({ id: 'other' });
  await engine.reportProgress({ id: 'other', percentage: 50 });
  await engine.completed({ id: 'other' });
  await engine.reset({ id: 'child' });
  await engine.delete({ id: 'grandchild' });
  await engine.stop({ id: 'root' });
  await engine.archive({ id: 'loner' });
};

/** The status changes the scenario makes, in order, as `summary` prints them. */
export const scenarioChanges = [
  'root created>queued TaskEnqueued',
  'root queued>in_progress TaskStarted',
  'child created>queued TaskEnqueued',
  'child queued>in_progress TaskStarted',
  'child in_progress>failed TaskFailed',
  'other created>queued TaskEnqueued',
  'other queued>in_progress TaskStarted',
  'other in_progress>completed TaskCompleted',
  'child failed>created TaskReset',
  'grandchild created>deleted TaskDeleted',
  'root in_progress>stopped TaskStopped',
  'loner created>created TaskArchived',
];
