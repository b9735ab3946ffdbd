/**
 * Lets a loop sleep until it is signalled or a timeout passes. A signal that arrives while the loop is busy
 * is remembered, so the next `wait` returns at once: an append made during a read is never slept through.
 */
export class Wakeup {
  private pending = false;
  private wakeWaiter: (() => void) | undefined;

  signal(): void {
    if (this.wakeWaiter) this.wakeWaiter();
    else this.pending = true;
  }

  wait(timeoutMs: number): Promise<void> {
    if (this.pending) {
      this.pending = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.wakeWaiter?.(), timeoutMs);
      this.wakeWaiter = () => {
        clearTimeout(timer);
        this.wakeWaiter = undefined;
        resolve();
      };
    });
  }
}
