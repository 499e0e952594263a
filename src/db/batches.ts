const PURGE_BATCH = 500;

/** Runs `work` on the cursor's documents, `PURGE_BATCH` at a time. */
export async function inBatches<T>(
  cursor: AsyncIterable<T>,
  work: (batch: T[]) => Promise<void>,
): Promise<void> {
  let batch: T[] = [];
  for await (const item of cursor) {
    batch.push(item);
    if (batch.length === PURGE_BATCH) {
      await work(batch);
      batch = [];
    }
  }
  if (batch.length > 0) await work(batch);
}
