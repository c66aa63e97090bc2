import { aTask, T0 } from '../support/tasks';
import { when, after, eventsOf, errorOf, T1 } from '../support/decider';

const T_LATER = '2026-01-01T02:00:00.000Z';

describe('decide and evolve, command by command (reference/status-rules.md)', () => {
  describe('every status change writes the status fields', () => {
    it('status, reason, message, status_changed, last_update, last_changed_by', () => {
      const task = after(aTask('in_progress', { status_message: 'old' }), 'failed', { status_reason: 'oom' });
      expect(task).toMatchObject({
        status: 'failed',
        status_reason: 'oom',
        status_message: '', // overwritten: a plain status call clears an earlier message
        status_changed: T1,
        last_update: T1,
        last_changed_by: 'bob',
        is_cancelable: false,
      });
    });
  });

  describe('create', () => {
    it('creates a task in status created with its definition', () => {
      const [event] = eventsOf(
        when({ kind: 'absent' }, 'create', { name: 'n', type: 'training', tags: ['a'] }),
      );
      expect(event).toEqual({
        type: 'TaskCreated',
        data: { id: 't1', name: 'n', type: 'training', tags: ['a'] },
      });
    });
    it('refuses an existing or deleted id', () => {
      expect(errorOf(when(aTask('created'), 'create', { name: 'n', type: 'training' })).code).toBe(
        'already_exists',
      );
      const deleted = { kind: 'deleted' as const, task: aTask('created') };
      expect(errorOf(when(deleted, 'create', { name: 'n', type: 'training' })).code).toBe('already_exists');
    });
    it('needs an existing parent', () => {
      const absentParent = when(
        { kind: 'absent' },
        'create',
        { name: 'n', type: 'training', parent: 'p' },
        {
          parent: { exists: false, ancestors: [] },
        },
      );
      expect(errorOf(absentParent)).toMatchObject({ code: 'not_found', details: { parent: 'p' } });
      const ok = when(
        { kind: 'absent' },
        'create',
        { name: 'n', type: 'training', parent: 'p' },
        {
          parent: { exists: true, ancestors: [] },
        },
      );
      expect(eventsOf(ok)).toHaveLength(1);
    });
  });

  describe('edit', () => {
    it('edits definition fields of a created task and never the status', () => {
      const task = after(aTask('created'), 'edit', {
        name: 'renamed',
        parameters: { lr: 0.1 },
        output_destination: 's3://b',
      });
      expect(task).toMatchObject({
        name: 'renamed',
        status: 'created',
        execution: { parameters: { lr: 0.1 } },
      });
      expect(task.output.destination).toBe('s3://b');
    });
    it('is refused after created unless forced, and a forced edit is recorded as forced', () => {
      expect(errorOf(when(aTask('stopped'), 'edit', { name: 'x' }))).toMatchObject({
        code: 'invalid_transition',
        details: { from: 'stopped', command: 'edit' },
      });
      expect(eventsOf(when(aTask('stopped'), 'edit', { name: 'x', force: true }))[0]).toMatchObject({
        data: { forced: true },
      });
    });
    it('refuses a parent that would make a cycle', () => {
      const decision = when(
        aTask('created', { id: 'a' }),
        'edit',
        { parent: 'c' },
        { parent: { exists: true, ancestors: ['b', 'a'] } },
      );
      expect(errorOf(decision)).toMatchObject({ code: 'invalid_request', details: { path: 'parent' } });
      expect(
        errorOf(
          when(
            aTask('created', { id: 'a' }),
            'edit',
            { parent: 'a' },
            { parent: { exists: true, ancestors: [] } },
          ),
        ).code,
      ).toBe('invalid_request');
    });
  });

  describe('update', () => {
    it('changes user-settable fields in any status, published included', () => {
      const task = after(aTask('published'), 'update', {
        comment: 'note',
        status_message: 'm',
        output_error: 'e',
      });
      expect(task).toMatchObject({
        comment: 'note',
        status_message: 'm',
        status: 'published',
        output: { error: 'e' },
      });
    });
  });

  describe('enqueue', () => {
    it('queues on the default queue, remembers where from and drops the development tag', () => {
      const task = after(aTask('failed', { system_tags: ['development', 'x'] }), 'enqueue', {});
      expect(task).toMatchObject({
        status: 'queued',
        queue: 'default',
        enqueue_status: 'failed',
        system_tags: ['x'],
      });
      expect(task.is_cancelable).toBe(true);
    });
    it('a re-enqueue keeps the original enqueue_status', () => {
      const task = after(aTask('queued', { enqueue_status: 'stopped', queue: 'a' }), 'enqueue', {
        queue: 'b',
      });
      expect(task).toMatchObject({ queue: 'b', enqueue_status: 'stopped' });
    });
    it('is refused from in_progress unless forced', () => {
      expect(errorOf(when(aTask('in_progress'), 'enqueue', {})).code).toBe('invalid_transition');
      expect(eventsOf(when(aTask('in_progress'), 'enqueue', { force: true }))[0]).toMatchObject({
        type: 'TaskEnqueued',
        data: { from: 'in_progress', to: 'queued', forced: true },
      });
    });
  });

  describe('dequeue', () => {
    it('returns a queued task to its enqueue_status, or to created', () => {
      expect(after(aTask('queued', { enqueue_status: 'stopped' }), 'dequeue', {}).status).toBe('stopped');
      expect(after(aTask('queued'), 'dequeue', {}).status).toBe('created');
      expect(
        after(aTask('queued', { enqueue_status: 'stopped' }), 'dequeue', { new_status: 'failed' }).status,
      ).toBe('failed');
      expect(
        after(aTask('queued', { enqueue_status: 'stopped' }), 'dequeue', {}).enqueue_status,
      ).toBeUndefined();
    });
    it('changes nothing on a task that is not queued, without an error', () => {
      for (const status of ['created', 'in_progress', 'published'] as const) {
        expect(eventsOf(when(aTask(status), 'dequeue', {}))).toEqual([]);
      }
    });
  });

  describe('started', () => {
    it('sets started, clears completed and active_duration, records the worker', () => {
      const task = after(aTask('stopped', { started: T0, completed: T0, active_duration: 5 }), 'started', {
        worker: 'w1',
      });
      expect(task).toMatchObject({
        status: 'in_progress',
        started: T1,
        worker: 'w1',
        last_worker_report: T1,
      });
      expect(task.completed).toBeUndefined();
      expect(task.active_duration).toBeUndefined();
    });
    it('a repeated started keeps the earliest start', () => {
      expect(after(aTask('in_progress', { started: T0 }), 'started', {}).started).toBe(T0);
    });
    it('is refused from failed and closed unless forced', () => {
      expect(errorOf(when(aTask('failed'), 'started', {}))).toMatchObject({
        code: 'invalid_transition',
        details: { from: 'failed', to: 'in_progress', command: 'started' },
      });
      expect(
        (errorOf(when(aTask('failed'), 'started', {})).details as { allowed: string[] }).allowed,
      ).toContain('enqueue');
      expect(after(aTask('closed'), 'started', { force: true }).status).toBe('in_progress');
    });
  });

  describe('stop', () => {
    const running = (lastReport: string, tags: string[] = []) =>
      aTask('in_progress', { worker: 'w1', last_worker_report: lastReport, started: T0, system_tags: tags });

    it('asks a task with an active worker to stop: it stays in_progress with "stopping"', () => {
      const [event] = eventsOf(
        when(running('2026-01-01T00:55:00.000Z'), 'stop', { status_message: 'ignored' }),
      );
      expect(event).toMatchObject({
        type: 'TaskStopRequested',
        data: { from: 'in_progress', to: 'in_progress', status_message: 'stopping' },
      });
    });
    it('stops at once when the worker has been silent longer than the timeout', () => {
      const task = after(running('2026-01-01T00:49:59.000Z'), 'stop', {});
      expect(task).toMatchObject({ status: 'stopped', status_message: 'Stopped by bob' });
    });
    it('honours a configured worker timeout', () => {
      const decision = when(running('2026-01-01T00:59:00.000Z'), 'stop', {}, { workerTimeoutMs: 30_000 });
      expect(eventsOf(decision)[0]?.type).toBe('TaskStopped');
    });
    it('stops at once a task with the development tag, a queued task, or one without a worker', () => {
      expect(after(running(T1, ['development']), 'stop', {}).status).toBe('stopped');
      expect(after(aTask('queued', { worker: 'w1', last_worker_report: T1 }), 'stop', {}).status).toBe(
        'stopped',
      );
      expect(after(aTask('in_progress'), 'stop', {}).status).toBe('stopped');
    });
    it('is refused from created and completed unless forced', () => {
      expect(errorOf(when(aTask('created'), 'stop', {})).code).toBe('invalid_transition');
      expect(errorOf(when(aTask('completed'), 'stop', {})).code).toBe('invalid_transition');
      expect(after(aTask('completed'), 'stop', { force: true }).status).toBe('stopped');
    });
  });

  describe('stopped, failed, completed', () => {
    it('stopped sets completed', () => {
      expect(after(aTask('in_progress'), 'stopped', {}).completed).toBe(T1);
    });
    it('failed stores the error in output.error and error_messages', () => {
      const task = after(aTask('in_progress', { error_messages: ['earlier'] }), 'failed', {
        error: 'CUDA OOM',
      });
      expect(task).toMatchObject({
        status: 'failed',
        completed: T1,
        output: { error: 'CUDA OOM' },
        error_messages: ['earlier', 'CUDA OOM'],
      });
      expect(errorOf(when(aTask('queued'), 'failed', {})).code).toBe('invalid_transition');
    });
    it('completed sets completed and progress 100; with publish it is published in the same decision', () => {
      const events = eventsOf(when(aTask('in_progress'), 'completed', { publish: true, result: 's3://out' }));
      expect(events.map((e) => e.type)).toEqual(['TaskCompleted', 'TaskPublished']);
      const task = after(aTask('in_progress'), 'completed', { publish: true, result: 's3://out' });
      expect(task).toMatchObject({
        status: 'published',
        completed: T1,
        published: T1,
        progress_percentage: 100,
        output: { result: 's3://out' },
      });
      expect(errorOf(when(aTask('queued'), 'completed', {})).code).toBe('invalid_transition');
    });
  });

  describe('close and publish', () => {
    it('close writes no timestamp', () => {
      const task = after(aTask('stopped', { completed: T0 }), 'close', {});
      expect(task).toMatchObject({ status: 'closed', completed: T0 });
      expect(task.published).toBeUndefined();
      expect(errorOf(when(aTask('completed'), 'close', {})).code).toBe('invalid_transition');
    });
    it('publish sets published; publishing a published task needs force', () => {
      expect(after(aTask('completed'), 'publish', {}).published).toBe(T1);
      expect(errorOf(when(aTask('published'), 'publish', {})).code).toBe('invalid_transition');
      expect(eventsOf(when(aTask('published'), 'publish', { force: true }))[0]).toMatchObject({
        data: { forced: true },
      });
      expect(errorOf(when(aTask('in_progress'), 'publish', {})).code).toBe('invalid_transition');
    });
  });

  describe('reset', () => {
    const ran = aTask('failed', {
      started: T0,
      completed: T0,
      last_iteration: 9,
      last_metrics: {
        loss: {
          total: {
            metric: 'loss',
            variant: 'total',
            value: 1,
            iteration: 9,
            timestamp: T0,
            min_value: 1,
            min_value_iteration: 9,
            max_value: 1,
            max_value_iteration: 9,
            first_value: 1,
            first_value_iteration: 9,
            count: 1,
            mean_value: 1,
          },
        },
      },
      output: { destination: 's3://d', result: 'r', error: 'e' },
      worker: 'w',
      last_worker_report: T0,
      queue: 'q',
      enqueue_status: 'created',
      active_duration: 3,
      script: { repository: 'git@x' },
      execution: {
        parameters: { lr: 1 },
        artifacts: [
          { key: 'in', mode: 'input' },
          { key: 'out', mode: 'output' },
        ],
      },
    });
    it('clears what a run produced and returns to created with reason and message "reset"', () => {
      const task = after(ran, 'reset', {});
      expect(task).toMatchObject({
        status: 'created',
        status_reason: 'reset',
        status_message: 'reset',
        last_metrics: {},
        output: { destination: 's3://d' },
      });
      for (const field of [
        'started',
        'completed',
        'published',
        'last_iteration',
        'worker',
        'queue',
        'enqueue_status',
        'active_duration',
      ] as const) {
        expect({ field, value: task[field] }).toEqual({ field, value: undefined });
      }
      expect(task.execution).toEqual({ parameters: { lr: 1 }, artifacts: [{ key: 'in', mode: 'input' }] });
      expect(task.script).toEqual({ repository: 'git@x' });
    });
    it('clear_all also clears execution and script', () => {
      const task = after(ran, 'reset', { clear_all: true });
      expect(task.execution).toEqual({ parameters: {}, artifacts: [] });
      expect(task.script).toBeUndefined();
    });
    it('refuses published without force, and a task with published children without force', () => {
      expect(errorOf(when(aTask('published'), 'reset', {})).code).toBe('invalid_transition');
      expect(after(aTask('published'), 'reset', { force: true }).status).toBe('created');
      expect(errorOf(when(ran, 'reset', {}, { publishedChildren: ['c1'] }))).toMatchObject({
        code: 'has_children',
        details: { children: ['c1'] },
      });
      expect(after(ran, 'reset', { force: true }, { publishedChildren: ['c1'] }).status).toBe('created');
    });
  });

  describe('delete', () => {
    it('deletes a created task', () => {
      expect(eventsOf(when(aTask('created'), 'delete', {}))).toEqual([
        { type: 'TaskDeleted', data: { status: 'created' } },
      ]);
    });
    it('refuses other statuses unless archived or forced', () => {
      expect(errorOf(when(aTask('in_progress'), 'delete', {})).code).toBe('invalid_transition');
      expect(eventsOf(when(aTask('completed', { system_tags: ['archived'] }), 'delete', {}))).toEqual([
        { type: 'TaskDeleted', data: { status: 'completed' } },
      ]);
      expect(eventsOf(when(aTask('in_progress'), 'delete', { force: true }))[0]).toMatchObject({
        data: { forced: true },
      });
    });
    it('published children block it unless forced', () => {
      expect(errorOf(when(aTask('created'), 'delete', {}, { publishedChildren: ['c'] })).code).toBe(
        'has_children',
      );
      expect(
        eventsOf(when(aTask('created'), 'delete', { force: true }, { publishedChildren: ['c'] })),
      ).toHaveLength(1);
    });
    it('any command on a deleted task is not_found', () => {
      const deleted = { kind: 'deleted' as const, task: aTask('created') };
      expect(errorOf(when(deleted, 'update', { comment: 'x' })).code).toBe('not_found');
      expect(errorOf(when({ kind: 'absent' }, 'started', {})).code).toBe('not_found');
    });
  });

  describe('archive', () => {
    it('adds the archived tag; a queued task returns to its enqueue_status, a running one stops', () => {
      expect(after(aTask('queued', { enqueue_status: 'failed' }), 'archive', {})).toMatchObject({
        status: 'failed',
        system_tags: ['archived'],
      });
      expect(after(aTask('queued'), 'archive', {}).status).toBe('created');
      expect(after(aTask('in_progress'), 'archive', {}).status).toBe('stopped');
      expect(after(aTask('published'), 'archive', {})).toMatchObject({
        status: 'published',
        system_tags: ['archived'],
      });
      expect(after(aTask('completed', { system_tags: ['archived'] }), 'archive', {}).system_tags).toEqual([
        'archived',
      ]);
    });
  });

  describe('ping and reports', () => {
    it('ping moves last_update and, while running, active_duration', () => {
      const task = after(aTask('in_progress', { started: T0 }), 'ping', { worker: 'w' });
      expect(task).toMatchObject({
        last_update: T1,
        active_duration: 3600,
        worker: 'w',
        last_worker_report: T1,
      });
      expect(after(aTask('published'), 'ping', {}).last_update).toBe(T1);
    });
    it('report_metrics keeps last, min, max, first, count and mean per metric and variant', () => {
      let task = after(aTask('in_progress'), 'report_metrics', {
        metrics: [
          { metric: 'loss', variant: 'train', iteration: 1, value: 3 },
          { metric: 'loss', variant: 'train', iteration: 3, value: 1 },
          { metric: 'loss', variant: 'train', iteration: 2, value: 5 },
        ],
      });
      task = after(
        task,
        'report_metrics',
        { metrics: [{ metric: 'acc', variant: '', iteration: 0, value: 0.5 }] },
        { at: T_LATER },
      );
      expect(task.last_metrics['loss']?.['train']).toMatchObject({
        value: 1, // iteration 3 is the last, though iteration 2 arrived after it
        iteration: 3,
        min_value: 1,
        min_value_iteration: 3,
        max_value: 5,
        max_value_iteration: 2,
        first_value: 3,
        first_value_iteration: 1,
        count: 3,
        mean_value: 3,
      });
      expect(task.last_iteration).toBe(3);
      expect(task.last_update).toBe(T_LATER);
      expect(
        errorOf(
          when(aTask('published'), 'report_metrics', {
            metrics: [{ metric: 'm', variant: 'v', iteration: 1, value: 1 }],
          }),
        ).code,
      ).toBe('invalid_transition');
    });
    it('at the same iteration the later report is last', () => {
      const task = after(aTask('in_progress'), 'report_metrics', {
        metrics: [
          { metric: 'm', variant: 'v', iteration: 1, value: 1, timestamp: '2026-01-01T00:00:02.000Z' },
          { metric: 'm', variant: 'v', iteration: 1, value: 2, timestamp: '2026-01-01T00:00:01.000Z' },
        ],
      });
      expect(task.last_metrics['m']?.['v']?.value).toBe(1);
    });
    it('keeps at most 2000 metric/variant pairs', () => {
      const metrics = Array.from({ length: 2001 }, (_, i) => ({
        metric: `m${i}`,
        variant: 'v',
        iteration: 1,
        value: i,
      }));
      const task = after(aTask('in_progress'), 'report_metrics', { metrics });
      expect(Object.keys(task.last_metrics)).toHaveLength(2000);
      expect(task.last_metrics['m2000']).toBeUndefined();
    });
    it('add_artifacts replaces the same key and mode', () => {
      let task = after(aTask('in_progress'), 'add_artifacts', {
        artifacts: [
          { key: 'model', mode: 'output', uri: 'a' },
          { key: 'model', mode: 'input', uri: 'i' },
        ],
      });
      task = after(task, 'add_artifacts', { artifacts: [{ key: 'model', mode: 'output', uri: 'b' }] });
      expect(task.execution.artifacts).toEqual([
        { key: 'model', mode: 'input', uri: 'i' },
        { key: 'model', mode: 'output', uri: 'b' },
      ]);
      expect(
        errorOf(when(aTask('stopped'), 'add_artifacts', { artifacts: [{ key: 'k', mode: 'output' }] })).code,
      ).toBe('invalid_transition');
    });
    it('report_progress never goes back while running and appends completed steps', () => {
      let task = after(aTask('in_progress'), 'report_progress', { percentage: 40, sub_step: 'download' });
      task = after(task, 'report_progress', { percentage: 30 });
      expect(task).toMatchObject({ progress_percentage: 40, sub_steps: [{ name: 'download', at: T1 }] });
      expect(errorOf(when(aTask('created'), 'report_progress', { percentage: 1 })).code).toBe(
        'invalid_transition',
      );
    });
  });

  describe('report_execution (Flyte rules)', () => {
    it('records logs, custom_info, a reason and the phase_version of the open attempt', () => {
      const [event] = eventsOf(
        when(aTask('in_progress'), 'report_execution', {
          phase_version: 1,
          logs: [{ name: 'stdout', uri: 's3://l' }],
        }),
      );
      expect(event).toEqual({
        type: 'ExecutionReported',
        data: { phase_version: 1, logs: [{ name: 'stdout', uri: 's3://l' }] },
      });
      expect(after(aTask('in_progress'), 'report_execution', { phase_version: 2 }).phase_version).toBe(2);
    });
    it('a phase_version not greater than the stored one is already_exists', () => {
      const task = aTask('in_progress', { phase_version: 2 });
      expect(errorOf(when(task, 'report_execution', { phase_version: 2 })).code).toBe('already_exists');
      expect(errorOf(when(task, 'report_execution', { phase_version: 1 })).code).toBe('already_exists');
      expect(eventsOf(when(task, 'report_execution', { phase_version: 3 }))).toHaveLength(1);
    });
    it('a new phase starts phase_version over', () => {
      const task = after(aTask('queued', { phase_version: 5 }), 'started', {});
      expect(task.phase_version).toBeUndefined();
      expect(eventsOf(when(task, 'report_execution', { phase_version: 0 }))).toHaveLength(1);
    });
    it('an update to a terminal attempt is invalid_transition', () => {
      const error = errorOf(when(aTask('completed'), 'report_execution', { reason: 'late' }));
      expect(error.code).toBe('invalid_transition');
      expect(error.message).toContain('attempt is already terminal');
    });
  });
});
