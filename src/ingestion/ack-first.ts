/**
 * Acknowledgements first: LINE counts a delivery as failed when our 200 takes more than about two
 * seconds, and every database command of processing delays the webhook's one insert behind it. The
 * webhook says when requests are waiting to be stored; the processor holds back new database work
 * while any are, for a short while at most, so processing is slowed under a burst but never stopped.
 */
export type AckGate = {
  /** The webhook has a request waiting for its events to be stored. */
  enter(): void;
  leave(): void;
  /** Resolves when no request is waiting, or after `maxWaitMs`. */
  clear(maxWaitMs: number): Promise<void>;
};

export function createAckGate(): AckGate {
  let waiting = 0;
  let waiters: (() => void)[] = [];
  return {
    enter() {
      waiting++;
    },
    leave() {
      waiting = Math.max(0, waiting - 1);
      if (waiting > 0) return;
      const release = waiters;
      waiters = [];
      for (const resolve of release) resolve();
    },
    clear(maxWaitMs) {
      if (waiting === 0) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, maxWaitMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
  };
}
