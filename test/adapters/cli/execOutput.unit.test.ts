import { parseExecLine } from '../../../src/adapters/cli/execOutput';
import { envName, taskEnvironment } from '../../../src/adapters/cli/execEnvironment';
import { aTask } from '../../support/tasks';

describe('worker --exec stdout lines', () => {
  it('reads metric lines, with or without an iteration', () => {
    expect(parseExecLine('metric loss train 0.25 7')).toEqual({
      kind: 'metric',
      metric: 'loss',
      variant: 'train',
      value: 0.25,
      iteration: 7,
    });
    expect(parseExecLine('  metric acc val -1e-3')).toEqual({
      kind: 'metric',
      metric: 'acc',
      variant: 'val',
      value: -0.001,
    });
  });

  it('reads progress lines, the words after the percentage naming a completed step', () => {
    expect(parseExecLine('progress 40')).toEqual({ kind: 'progress', percentage: 40 });
    expect(parseExecLine('progress 100 epoch 3 done')).toEqual({
      kind: 'progress',
      percentage: 100,
      step: 'epoch 3 done',
    });
  });

  it('keeps everything else as a log line, and says when a report line does not parse', () => {
    expect(parseExecLine('loading data…')).toEqual({ kind: 'log', text: 'loading data…' });
    for (const bad of [
      'metric loss train',
      'metric loss train NaN',
      'metric loss train 1 2.5',
      'metric a b 1 2 3',
      'progress 140',
      'progress soon',
    ]) {
      expect(parseExecLine(bad)).toMatchObject({ kind: 'log', text: bad, warning: expect.any(String) });
    }
  });
});

describe('worker --exec environment', () => {
  it('holds the task id, name and parameters under shell-safe names', () => {
    const task = aTask('in_progress', {
      id: 't1',
      name: 'train',
      queue: 'gpu',
      execution: { parameters: { lr: 0.1, 'batch-size': 32, fast: true }, artifacts: [] },
    });
    expect(taskEnvironment(task, 'w1')).toEqual({
      TASK_ID: 't1',
      TASK_NAME: 'train',
      TASK_TYPE: 'training',
      TASK_QUEUE: 'gpu',
      TASK_WORKER: 'w1',
      TASK_PARAM_lr: '0.1',
      TASK_PARAM_batch_size: '32',
      TASK_PARAM_fast: 'true',
    });
    expect(envName('a.b-c d')).toBe('a_b_c_d');
  });
});
