/**
 * Samples this process's RSS while something runs: the kernel's maxRSS covers the whole life of
 * the process, this says what the measured section itself reached, and where it started.
 */
export const sampleRss = (everyMs = 25) => {
  const before = process.memoryUsage.rss();
  let peak = before;
  const timer = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      const rss = process.memoryUsage.rss();
      if (rss > peak) peak = rss;
      return { beforeMB: before / 2 ** 20, peakMB: peak / 2 ** 20 };
    },
  };
};
