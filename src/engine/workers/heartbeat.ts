/**
 * Calls `beat` every `everyMs` until stopped. A beat still running when the next is due is not
 * doubled up: a slow store gets fewer beats rather than a pile of them.
 */
export const startHeartbeat = (
  everyMs: number,
  beat: () => Promise<void>,
  onError: (error: unknown) => void,
) => {
  let beating: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (beating !== undefined) return;
    beating = beat()
      .catch(onError)
      .finally(() => (beating = undefined));
  }, everyMs);
  return {
    /** No beat after this resolves. */
    stop: async () => {
      clearInterval(timer);
      await beating;
    },
  };
};
