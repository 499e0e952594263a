import type { Connection, Model, Schema } from 'mongoose';

/**
 * A model bound to one connection, compiled once: every feature's `xModels(connection)` may be
 * called many times (per request, per job), and mongoose refuses a second compile of a name.
 */
export function modelOn<T>(connection: Connection, name: string, schema: Schema<T>): Model<T> {
  return (connection.models[name] as Model<T> | undefined) ?? connection.model<T>(name, schema);
}

const DUPLICATE_KEY = 11000;

/** A unique index refused the write: the marker every exactly-once write in NeedLine rests on. */
export function isDuplicateKey(error: unknown): boolean {
  return (error as { code?: number } | null)?.code === DUPLICATE_KEY;
}

/** Insert, or learn that the document was already there (a retry, another instance): true if inserted. */
export async function insertOnce<T>(model: Model<T>, doc: Partial<T>): Promise<boolean> {
  try {
    await model.create(doc);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/** The indexes of a bulk insert refused as duplicate keys, or undefined if it failed otherwise. */
export function duplicateIndexes(error: unknown, count: number): Set<number> | undefined {
  const err = error as {
    code?: number;
    writeErrors?: { code?: number; index?: number; err?: { code?: number; index?: number } }[];
  };
  if (!err.writeErrors || err.writeErrors.length === 0)
    return err.code === DUPLICATE_KEY && count === 1 ? new Set([0]) : undefined;
  const refused = new Set<number>();
  for (const writeError of err.writeErrors) {
    const code = writeError.code ?? writeError.err?.code;
    const index = writeError.index ?? writeError.err?.index;
    if (code !== DUPLICATE_KEY || index === undefined) return undefined;
    refused.add(index);
  }
  return refused;
}

/** What an attempt returns when another writer changed the document between its read and its write. */
export const CONFLICT = Symbol('write conflict');

/**
 * Read, decide, write on condition that nothing changed; on a conflict, read again. After
 * `attempts` conflicts it throws: the event (or job) that asked is retried later as a whole.
 */
export async function retryOnConflict<T>(
  attempts: number,
  what: string,
  attempt: () => Promise<T | typeof CONFLICT>,
): Promise<T> {
  for (let n = 0; n < attempts; n++) {
    const outcome = await attempt();
    if (outcome !== CONFLICT) return outcome;
  }
  throw new Error(`${what} kept changing; the event is retried`);
}
