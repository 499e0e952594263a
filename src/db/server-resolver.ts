import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { MongoClient } from 'mongodb';
import { applyPatch, FERRETDB_PATCHES } from './ferretdb-patches';

/**
 * One resolver for `npm start` without MONGODB_URI and for the tests: a real MongoDB where one can
 * be had, else FerretDB 1.24 (a real MongoDB-wire database) built from the Go module proxy. It never
 * falls back to a fake, and says what it tried when nothing works.
 */
export type DatabaseServer = {
  uri: string;
  kind: 'external' | 'mongod' | 'ferretdb';
  /** e.g. "FerretDB 1.24.2 (SQLite, in memory)" or "MongoDB 7.0.14"; never credentials. */
  description: string;
  stop(): Promise<void>;
  /** An embedded server's process: 'down' while it is being restarted, 'failed' once it gave up. */
  state?: () => EmbeddedState;
};

export type EmbeddedState = 'up' | 'down' | 'failed';

export type ResolveOptions = {
  mongodbUri?: string;
  /** Where the embedded server keeps its data and the built binary. */
  dataDir: string;
  /** Keep data across restarts (npm start) or in memory (tests). */
  persistent: boolean;
  log?: (message: string) => void;
  /** The embedded database could not be restarted: the process should exit so its supervisor restarts it. */
  onFatal?: (error: Error) => void;
};

const execFileAsync = promisify(execFile);
const REPO_ROOT = findRepoRoot(__dirname);
const FERRETDB_MODULE = path.join(REPO_ROOT, 'src', 'db', 'ferretdb');
const MONGOD_RETRY_AFTER_MS = 24 * 3600 * 1000;

export async function resolveDatabaseServer(options: ResolveOptions): Promise<DatabaseServer> {
  const log = options.log ?? (() => undefined);
  if (options.mongodbUri) {
    return {
      uri: options.mongodbUri,
      kind: 'external',
      description: await describeServer(options.mongodbUri).catch(() => 'MongoDB (MONGODB_URI)'),
      stop: async () => undefined,
    };
  }

  const tried: string[] = ['MONGODB_URI: not set'];
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });

  try {
    const server = await startMongod(dataDir, options.persistent, log);
    log(`embedded database: ${server.description}`);
    return server;
  } catch (error) {
    tried.push(`mongod via mongodb-memory-server: ${reason(error)}`);
    log(`no mongod here (${reason(error)}); trying FerretDB`);
  }

  try {
    const server = await superviseEmbeddedFerretDb({
      dataDir,
      persistent: options.persistent,
      log,
      onFatal: options.onFatal,
    });
    log(`embedded database: ${server.description}`);
    return server;
  } catch (error) {
    tried.push(
      `FerretDB 1.24.2 built with Go from ${path.relative(process.cwd(), FERRETDB_MODULE)}: ${reason(error)}`,
    );
  }

  throw new Error(
    [
      'No database server could be started. Tried, in order:',
      ...tried.map((line, i) => `  ${i + 1}. ${line}`),
      'Set MONGODB_URI to a MongoDB you run, or install Go (FerretDB builds from the Go module proxy).',
    ].join('\n'),
  );
}

/**
 * mongodb-memory-server prints a whole stack trace with console.warn when it cannot download mongod
 * (always, on a network without MongoDB's servers); the resolver says it in one log line instead.
 */
async function withoutLibraryWarning<T>(work: () => Promise<T>): Promise<T> {
  /* eslint-disable no-console -- it is the library's console output that is filtered here */
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && args[0].startsWith('Starting the MongoMemoryServer Instance failed'))
      return;
    warn(...args);
  };
  try {
    return await work();
  } finally {
    console.warn = warn;
  }
  /* eslint-enable no-console */
}

/** A real mongod, only when mongodb-memory-server finds or can download one. */
async function startMongod(
  dataDir: string,
  persistent: boolean,
  log: (m: string) => void,
): Promise<DatabaseServer> {
  // This network cannot reach MongoDB's download servers; the attempt costs seconds, so a failure
  // is remembered for a day unless a binary is named explicitly.
  const marker = path.join(dataDir, 'mongod-unavailable');
  if (!process.env.MONGOMS_SYSTEM_BINARY && existsSync(marker)) {
    const age = Date.now() - statSync(marker).mtimeMs;
    if (age < MONGOD_RETRY_AFTER_MS) {
      throw new Error(
        `unavailable (${readFileSync(marker, 'utf8').trim()}; retried after a day or with MONGOMS_SYSTEM_BINARY)`,
      );
    }
  }
  log('looking for a mongod binary (mongodb-memory-server)…');
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  let server: InstanceType<typeof MongoMemoryServer>;
  try {
    const dbPath = path.join(dataDir, 'mongod');
    if (persistent) mkdirSync(dbPath, { recursive: true });
    server = await withoutLibraryWarning(() =>
      MongoMemoryServer.create({
        instance: persistent ? { dbPath, storageEngine: 'wiredTiger' } : {},
      }),
    );
  } catch (error) {
    writeFileSync(marker, reason(error).slice(0, 300));
    throw error;
  }
  const uri = server.getUri();
  return {
    uri,
    kind: 'mongod',
    description: await describeServer(uri),
    stop: async () => {
      await server.stop({ doCleanup: !persistent });
    },
  };
}

/** Exported for tests that stop and restart the database on the same port. */
export async function startEmbeddedFerretDb(options: {
  dataDir: string;
  persistent: boolean;
  log?: (message: string) => void;
  port?: number;
  /** The SQLite directory of an earlier start, to restart on the same data. */
  dir?: string;
}): Promise<DatabaseServer & { exited: Promise<number | null>; port: number; dir: string }> {
  const { persistent } = options;
  const dataDir = path.resolve(options.dataDir);
  mkdirSync(dataDir, { recursive: true });
  const binary = await buildFerretDb(dataDir, options.log ?? (() => undefined));
  const port = options.port ?? (await freePort());
  // Always on disk: FerretDB's in-memory SQLite mode hangs on updates of existing documents when
  // several connections write. A throwaway run gets a temporary directory, removed on stop.
  const dir =
    options.dir ??
    (persistent ? path.join(dataDir, 'ferretdb') : mkdtempSync(path.join(dataDir, 'ferretdb-tmp-')));
  mkdirSync(dir, { recursive: true });
  const args = ['-listen', `127.0.0.1:${port}`, '-dir', dir];
  // stdin stays a pipe: the child exits when we do, however we die.
  // A test and sandbox database on a 24 GiB machine: less garbage collection (a quarter of its CPU
  // on large reads) for more memory.
  const env = { ...process.env, GOGC: process.env.GOGC ?? '400' };
  const child = spawn(binary, args, { stdio: ['pipe', 'pipe', 'pipe'], env });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stderrTail: string[] = [];
  createInterface({ input: child.stderr! }).on('line', (line) => {
    stderrTail.push(line);
    if (stderrTail.length > 20) stderrTail.shift();
  });
  const uri = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('did not start within 30 s')), 30_000);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const match = /^ready (\S+)/.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with code ${code}: ${stderrTail.slice(-3).join(' | ')}`));
    });
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
  child.unref();
  const storage = persistent
    ? `SQLite in ${path.relative(process.cwd(), path.join(dataDir, 'ferretdb')) || '.'}`
    : 'SQLite in a temporary directory';
  return {
    uri,
    kind: 'ferretdb',
    description: `${await describeServer(uri)} (${storage})`,
    exited,
    port,
    dir,
    stop: async () => {
      await stopChild(child);
      if (!persistent) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits between restarts of a dead embedded database: 0.5 s, doubling, at most 8 s. */
const RESTART_BACKOFF_MS = [500, 1000, 2000, 4000, 8000];

/**
 * The embedded FerretDB, restarted on the same data and port when its process dies (an
 * out-of-memory kill, a crash): the driver reconnects by itself, and events refused meanwhile come
 * back with LINE's redelivery. After five failed restarts in a row it gives up (`onFatal`), so the
 * service's own supervisor restarts everything.
 */
export async function superviseEmbeddedFerretDb(options: {
  dataDir: string;
  persistent: boolean;
  log?: (message: string) => void;
  onFatal?: (error: Error) => void;
  backoffMs?: number[];
}): Promise<DatabaseServer> {
  const log = options.log ?? (() => undefined);
  const backoff = options.backoffMs ?? RESTART_BACKOFF_MS;
  let current = await startEmbeddedFerretDb(options);
  const { port, dir } = current;
  let state: EmbeddedState = 'up';
  let stopping = false;

  const watch = (running: typeof current): void => {
    void running.exited.then(async (code) => {
      if (stopping) return;
      state = 'down';
      log(`embedded database exited (code ${code}); restarting it on the same data`);
      for (let attempt = 0; attempt < backoff.length && !stopping; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, backoff[attempt]));
        if (stopping) return;
        try {
          current = await startEmbeddedFerretDb({ ...options, port, dir });
          state = 'up';
          log(`embedded database restarted (attempt ${attempt + 1})`);
          watch(current);
          return;
        } catch (error) {
          log(`embedded database restart ${attempt + 1} of ${backoff.length} failed: ${reason(error)}`);
        }
      }
      if (stopping) return;
      state = 'failed';
      options.onFatal?.(
        new Error(`the embedded database could not be restarted after ${backoff.length} tries`),
      );
    });
  };
  watch(current);

  return {
    uri: current.uri,
    kind: 'ferretdb',
    description: current.description,
    state: () => state,
    stop: async () => {
      stopping = true;
      await current.stop();
    },
  };
}

/** Builds our tiny FerretDB main (with FERRETDB_PATCHES) once per source version; Go's build cache makes rebuilds quick. */
async function buildFerretDb(dataDir: string, log: (m: string) => void): Promise<string> {
  const sources = ['main.go', 'go.mod', 'go.sum'].map((name) =>
    readFileSync(path.join(FERRETDB_MODULE, name)),
  );
  const hash = createHash('sha256');
  for (const source of sources) hash.update(source);
  hash.update(JSON.stringify(FERRETDB_PATCHES));
  const binDir = path.join(dataDir, 'bin');
  const binary = path.join(binDir, `ferretdb-${hash.digest('hex').slice(0, 12)}`);
  if (existsSync(binary)) return binary;
  mkdirSync(binDir, { recursive: true });
  log('building FerretDB 1.24.2 with Go (the first build takes a few minutes; later ones are cached)…');
  const temporary = `${binary}.${process.pid}.tmp`;
  const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', CGO_ENABLED: '0' };
  const go = async (args: string[], cwd: string) => {
    try {
      return await execFileAsync('go', args, { cwd, env, maxBuffer: 16 * 1024 * 1024 });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr?.trim().split('\n').slice(-3).join(' | ');
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      throw new Error(
        missing ? 'the go command was not found on PATH' : `go ${args[0]} failed: ${stderr ?? reason(error)}`,
        { cause: error },
      );
    }
  };
  const download = await go(['mod', 'download', '-json', FERRETDB_PATH], FERRETDB_MODULE);
  const workDir = patchedWorkspace(`${temporary}.src`, download.stdout);
  try {
    await go(['build', '-o', temporary, '.'], workDir);
  } finally {
    rmSync(workDir, { recursive: true, force: true });
  }
  // Several test runs may build at once: the rename is atomic.
  renameSync(temporary, binary);
  return binary;
}

const FERRETDB_PATH = 'github.com/FerretDB/FerretDB';

function makeWritable(target: string): void {
  const stat = statSync(target);
  chmodSync(target, stat.mode | 0o200);
  if (stat.isDirectory()) for (const entry of readdirSync(target)) makeWritable(path.join(target, entry));
}

/**
 * A throwaway copy of our main module whose FerretDB is replaced by a patched copy of the exact
 * module Go downloaded (Go's `-overlay` refuses files in the module cache). Returns its directory.
 */
function patchedWorkspace(dir: string, downloadJson: string): string {
  const moduleDir = (JSON.parse(downloadJson) as { Dir?: string }).Dir;
  if (!moduleDir) throw new Error('go mod download did not say where FerretDB is');
  rmSync(dir, { recursive: true, force: true });
  const copy = path.join(dir, 'ferretdb-patched');
  cpSync(moduleDir, copy, { recursive: true });
  makeWritable(copy); // the module cache is read-only, and so is a copy of it
  for (const patch of FERRETDB_PATCHES) {
    const file = path.join(copy, patch.file);
    writeFileSync(file, applyPatch(readFileSync(file, 'utf8'), patch));
  }
  for (const name of ['main.go', 'go.sum']) cpSync(path.join(FERRETDB_MODULE, name), path.join(dir, name));
  const goMod = readFileSync(path.join(FERRETDB_MODULE, 'go.mod'), 'utf8');
  writeFileSync(path.join(dir, 'go.mod'), `${goMod}\nreplace ${FERRETDB_PATH} => ./ferretdb-patched\n`);
  return dir;
}

export async function describeServer(uri: string): Promise<string> {
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 5000 });
  try {
    const info = await client.db('admin').command({ buildInfo: 1 });
    if (typeof info.ferretdbVersion === 'string') {
      // Our embedded build lacks FerretDB's version file; the version is the one go.mod pins.
      const version = info.ferretdbVersion === 'unknown' ? pinnedFerretDbVersion() : info.ferretdbVersion;
      return `FerretDB ${version} (MongoDB ${info.version} wire)`;
    }
    return `MongoDB ${info.version}`;
  } finally {
    await client.close();
  }
}

function pinnedFerretDbVersion(): string {
  const goMod = readFileSync(path.join(FERRETDB_MODULE, 'go.mod'), 'utf8');
  return /github\.com\/FerretDB\/FerretDB (v[\w.-]+)/.exec(goMod)?.[1] ?? 'unknown version';
}

function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) return process.cwd();
    dir = parent;
  }
  return dir;
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Some libraries put the cause on a second line ("…, Details:\ngetaddrinfo ENOTFOUND …").
  return message.split('\n').slice(0, 2).join(' ').replace(/\s+/g, ' ').trim().slice(0, 300);
}
