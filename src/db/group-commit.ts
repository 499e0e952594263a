/**
 * Group commit: the items handed in while a write is in flight go to the database together in the
 * next one, so under load one command carries the work of many callers, and a lone caller still
 * pays exactly one. Each caller waits until its own items are written and gets their results, in
 * order; a failed write fails every caller whose items it carried.
 */
export function groupCommit<T, R>(
  write: (items: T[]) => Promise<R[]>,
  { maxBatch = 500 }: { maxBatch?: number } = {},
): ((items: T[]) => Promise<R[]>) & { queued: () => number } {
  type Waiting = { items: T[]; resolve: (results: R[]) => void; reject: (error: unknown) => void };
  const queue: Waiting[] = [];
  let writing = false;

  async function drain(): Promise<void> {
    writing = true;
    try {
      while (queue.length > 0) {
        const batch: Waiting[] = [queue.shift()!];
        let size = batch[0]!.items.length;
        while (queue.length > 0 && size + queue[0]!.items.length <= maxBatch) {
          const next = queue.shift()!;
          batch.push(next);
          size += next.items.length;
        }
        try {
          const items = batch.flatMap((waiting) => waiting.items);
          const results = await write(items);
          if (results.length !== items.length)
            throw new Error(`group commit: ${results.length} results for ${items.length} items`);
          let offset = 0;
          for (const waiting of batch) {
            waiting.resolve(results.slice(offset, offset + waiting.items.length));
            offset += waiting.items.length;
          }
        } catch (error) {
          for (const waiting of batch) waiting.reject(error);
        }
      }
    } finally {
      writing = false;
    }
  }

  const submit = (items: T[]): Promise<R[]> => {
    if (items.length === 0) return Promise.resolve([]);
    return new Promise<R[]>((resolve, reject) => {
      queue.push({ items, resolve, reject });
      if (!writing) void drain();
    });
  };
  /** How many items wait for the next write (those in the write in flight not counted). */
  const queued = () => queue.reduce((sum, waiting) => sum + waiting.items.length, 0);
  return Object.assign(submit, { queued });
}
