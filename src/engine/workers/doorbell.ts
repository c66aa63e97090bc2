/**
 * A doorbell for the claim loop: `ring` may come at any time, even while nobody waits, and is
 * not lost (it stays rung until the next `wait` takes it). `wait` also ends after `timeoutMs`
 * (the slow fallback look) or when `signal` aborts.
 */
export const getDoorbell = () => {
  let rung = false;
  let waiting: (() => void) | undefined;

  const ring = () => {
    rung = true;
    waiting?.();
  };

  const wait = (timeoutMs: number, signal?: AbortSignal): Promise<void> =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        waiting = undefined;
        rung = false;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      if (rung || signal?.aborted === true) return done();
      waiting = done;
      signal?.addEventListener('abort', done, { once: true });
    });

  return { ring, wait };
};
export type Doorbell = ReturnType<typeof getDoorbell>;
