/**
 * Runs `task` now and then every `ms` until stopped (updates without reload). A slow answer never overlaps
 * the next one, and polling pauses while the tab is hidden.
 */
export function poll(ms, task) {
  let stopped = false;
  let timer;
  const run = async () => {
    if (stopped) return;
    if (!document.hidden) await task().catch(() => undefined);
    if (!stopped) timer = setTimeout(run, ms);
  };
  void run();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
