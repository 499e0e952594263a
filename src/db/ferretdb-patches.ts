/**
 * Small fixes to FerretDB 1.24.2's SQLite backend, applied when our test/sandbox build copies the
 * module that Go downloaded from the module proxy. Without the first two, every query parses every
 * document of its collection: 40 ms for one `_id` at 20,000 documents, 120 ms for an update, where
 * MongoDB answers from its `_id` index in well under a millisecond.
 *
 * - The backend looks documents up by `_ferretdb_sjson->'$._id'`, but its own unique index is on
 *   `_ferretdb_sjson->'_id'`: SQLite matches index expressions literally, so the index went unused.
 * - It pushes an `_id` down to SQLite only when `_id` is the filter's sole key. FerretDB applies the
 *   whole filter to what SQLite returns anyway, so pushing the `_id` down with other keys beside it
 *   (`{_id, rev}`, `{_id, owner}`) narrows the scan to one row and changes no answer.
 * - Every write transaction waits for SQLite's single writer lock in SQLite's busy handler, which
 *   sleeps 1 to 100 ms between tries: under concurrent writes most of a write's time was sleep
 *   (170 ms per one-row update in the webhook benchmark, with the CPU a third busy). A Go mutex per
 *   database file queues the writers instead and wakes the next one the moment the lock is free.
 * - An update, findAndModify or delete reads the matching documents and writes them back in two steps,
 *   so two conditional writes on one document could both match and both apply (two `$inc` of 1 gave
 *   +1; two instances could both take one chat's lease). MongoDB applies each to one document
 *   atomically. A mutex per database around these commands gives FerretDB the same guarantee.
 * - Every iterator and connection is "tracked" for FerretDB's own leak tests: a stack trace and a
 *   pprof profile entry per object, about a tenth of the CPU of a large read. Not tracking them
 *   changes nothing else.
 *
 * Each patch names the exact text it replaces and how often: a FerretDB that no longer has it
 * fails the build instead of running unpatched.
 */
export type SourcePatch = { file: string; from: string; to: string; count: number };

export const FERRETDB_PATCHES: SourcePatch[] = [
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: `IDColumn = DefaultColumn + "->'_id'"`,
    count: 1,
  },
  {
    file: 'internal/backends/sqlite/collection.go',
    from: 'if params.Filter.Len() == 1 {\n\t\tv, _ := params.Filter.Get("_id")',
    to: 'if params.Filter.Len() >= 1 {\n\t\tv, _ := params.Filter.Get("_id")',
    count: 2,
  },
  {
    file: 'internal/util/fsql/db.go',
    from: '\t"database/sql"\n',
    to: '\t"database/sql"\n\t"sync"\n',
    count: 1,
  },
  {
    file: 'internal/util/fsql/db.go',
    from: '\tBatchSize int\n}',
    to: '\tBatchSize int\n\twriteMu   sync.Mutex\n}',
    count: 1,
  },
  {
    file: 'internal/util/fsql/db.go',
    from: '(sql.Result, error) {\n\tstart := time.Now()\n',
    to: '(sql.Result, error) {\n\tdb.writeMu.Lock()\n\tdefer db.writeMu.Unlock()\n\tstart := time.Now()\n',
    count: 1,
  },
  {
    file: 'internal/util/fsql/db.go',
    from: '(err error) {\n\tvar sqlTx *sql.Tx\n',
    to: '(err error) {\n\tdb.writeMu.Lock()\n\tdefer db.writeMu.Unlock()\n\tvar sqlTx *sql.Tx\n',
    count: 1,
  },
  {
    file: 'internal/handler/handler.go',
    from: '\ntype Handler struct {\n',
    to:
      '\n// Our patch: one conditional write at a time per database, so each is atomic as on MongoDB.\n' +
      'var databaseWriteLocks sync.Map\n\n' +
      'func lockDatabase(name string) func() {\n' +
      '\tlock, _ := databaseWriteLocks.LoadOrStore(name, &sync.Mutex{})\n' +
      '\tlock.(*sync.Mutex).Lock()\n' +
      '\treturn lock.(*sync.Mutex).Unlock\n' +
      '}\n\ntype Handler struct {\n',
    count: 1,
  },
  {
    file: 'internal/handler/msg_update.go',
    from: '\tmatched, modified, upserted, err := h.updateDocument(connCtx, params)\n',
    to: '\tunlock := lockDatabase(params.DB)\n\tmatched, modified, upserted, err := h.updateDocument(connCtx, params)\n\tunlock()\n',
    count: 1,
  },
  {
    file: 'internal/handler/msg_findandmodify.go',
    from: '\tres, err := h.findAndModifyDocument(connCtx, params)\n',
    to: '\tunlock := lockDatabase(params.DB)\n\tres, err := h.findAndModifyDocument(connCtx, params)\n\tunlock()\n',
    count: 1,
  },
  {
    file: 'internal/handler/msg_delete.go',
    from: '\tdb, err := h.b.Database(params.DB)\n',
    to: '\tdefer lockDatabase(params.DB)()\n\tdb, err := h.b.Database(params.DB)\n',
    count: 1,
  },
  {
    file: 'internal/util/resource/resource.go',
    from: 'func Track(obj any, token *Token) {\n',
    to: 'func Track(obj any, token *Token) {\n\tif obj != nil {\n\t\treturn\n\t}\n',
    count: 1,
  },
  {
    file: 'internal/util/resource/resource.go',
    from: 'func Untrack(obj any, token *Token) {\n',
    to: 'func Untrack(obj any, token *Token) {\n\tif obj != nil {\n\t\treturn\n\t}\n',
    count: 1,
  },
];

/** The patched text of one file, or an error saying which patch no longer fits. */
export function applyPatch(source: string, patch: SourcePatch): string {
  const found = source.split(patch.from).length - 1;
  if (found !== patch.count)
    throw new Error(
      `FerretDB patch for ${patch.file} expected ${patch.count} occurrence(s) of its text, found ${found}`,
    );
  return source.split(patch.from).join(patch.to);
}
