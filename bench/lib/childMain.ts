/**
 * The child side of child.ts. A one-shot child reads its input from argv, runs, and prints one
 * JSON line with its result and its peak RSS; nothing else may go to stdout.
 */
export const inputOf = <T>(): T => JSON.parse(process.argv[2] ?? '{}') as T;

export const oneShotChild = <I, R>(main: (input: I) => Promise<R>) => {
  main(inputOf<I>()).then(
    (result) => {
      process.stdout.write(`${JSON.stringify({ ok: true, result, maxRssKB: process.resourceUsage().maxRSS })}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      const message = error instanceof Error ? `${error.message}\n${error.stack ?? ''}` : String(error);
      process.stdout.write(`${JSON.stringify({ ok: false, error: message })}\n`);
      process.exit(1);
    },
  );
};

/** An IPC child: `send` to the parent, `messages` from it. */
export const send = (message: object) => {
  process.send?.(message);
};

export const nextMessage = (type: string): Promise<Record<string, unknown>> =>
  new Promise((resolve) => {
    const onMessage = (message: unknown) => {
      if (typeof message === 'object' && message !== null && Reflect.get(message, 'type') === type) {
        process.off('message', onMessage);
        resolve(message as Record<string, unknown>);
      }
    };
    process.on('message', onMessage);
  });

/** Reports a failure to the parent and exits: a child never dies silently. */
export const failChild = (error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  setTimeout(() => process.exit(1), 100);
};
