/**
 * A doorbell for the claim loop: `ring` may come at any time, even while nobody waits, and is
 * not lost (it stays rung until the next `wait` takes it). `wait` also ends after `timeoutMs`
 * (the slow fallback look) or when `signal` aborts; it resolves `true` only when it was rung.
 */
export const getDoorbell = () => {
  let rung = false;
  let waiting: (() => void) | undefined;

  const ring = () => {
    rung = true;
    waiting?.();
  };

  const wait = (timeoutMs: number, signal?: AbortSignal): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        waiting = undefined;
        const wasRung = rung;
        rung = false;
        resolve(wasRung);
      };
      const timer = setTimeout(done, timeoutMs);
      if (rung || signal?.aborted === true) return done();
      waiting = done;
      signal?.addEventListener('abort', done, { once: true });
    });

  return { ring, wait };
};
export type Doorbell = ReturnType<typeof getDoorbell>;
