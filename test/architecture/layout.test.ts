import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/**
 * The house's rules, checked on every run: no two rooms (folders of src/, or its top-level files)
 * import each other, even through others, so every import points down a floor; the LINE emulator
 * imports nothing of the service; no file of src/ grows past 500 lines but the pure engine.
 */
const ROOT = path.resolve(__dirname, '..', '..');
const MAX_LINES = 500;
const LONG_ALLOWED = new Set(['src/conversation/engine.ts']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return name.endsWith('.ts') ? [full] : [];
  });
}

const files = [...sourceFiles(path.join(ROOT, 'src')), ...sourceFiles(path.join(ROOT, 'flows'))];
const relative = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

/** A room: a folder right under src/ (or flows/), or a file right under src/. */
function roomOf(file: string): string {
  const parts = relative(file).split('/');
  if (parts[0] === 'flows') return 'flows';
  return parts.length === 2 ? parts[1]!.replace(/\.ts$/, '') : parts[1]!;
}

const IMPORT = /(?:(?:import|export)\s[^'"]*?from\s+|import\s+|import\(\s*)['"](\.{1,2}\/[^'"]+)['"]/g;

function resolveImport(from: string, spec: string): string {
  const target = path.resolve(path.dirname(from), spec);
  for (const candidate of [target, `${target}.ts`, path.join(target, 'index.ts')]) {
    try {
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // try the next form
    }
  }
  return target;
}

const imports = files.map((file) => ({
  file,
  targets: [...readFileSync(file, 'utf8').matchAll(IMPORT)].map((m) => resolveImport(file, m[1]!)),
}));

/** The edges of a graph that lie on a cycle: a -> b where b reaches a. */
function edgesOnCycles(edges: Map<string, Set<string>>): string[] {
  const reaches = (from: string, to: string) => {
    const seen = new Set([from]);
    const stack = [from];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node === to) return true;
      for (const next of edges.get(node) ?? [])
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
    }
    return false;
  };
  return [...edges].flatMap(([a, bs]) => [...bs].filter((b) => reaches(b, a)).map((b) => `${a} -> ${b}`));
}

function graph(key: (file: string) => string): Map<string, Set<string>> {
  const edges = new Map<string, Set<string>>();
  for (const { file, targets } of imports)
    for (const target of targets) {
      const [a, b] = [key(file), key(target)];
      if (a === b) continue;
      if (!edges.has(a)) edges.set(a, new Set());
      edges.get(a)!.add(b);
    }
  return edges;
}

describe('the layout of src/', () => {
  it('has no import cycle between files', () => {
    expect(edgesOnCycles(graph(relative))).toEqual([]);
  });

  it('has no import cycle between rooms, so no import points up', () => {
    expect(edgesOnCycles(graph(roomOf))).toEqual([]);
  });

  it('keeps the LINE emulator apart from the service', () => {
    const outside = imports
      .filter(({ file }) => roomOf(file) === 'line-emulator')
      .flatMap(({ file, targets }) =>
        targets
          .filter((t) => roomOf(t) !== 'line-emulator')
          .map((t) => `${relative(file)} -> ${relative(t)}`),
      );
    expect(outside).toEqual([]);
  });

  it(`has no file over ${MAX_LINES} lines but the engine`, () => {
    const long = files
      .map((file) => ({ file: relative(file), lines: readFileSync(file, 'utf8').split('\n').length - 1 }))
      .filter(({ file, lines }) => lines > MAX_LINES && !LONG_ALLOWED.has(file))
      .map(({ file, lines }) => `${file}: ${lines}`);
    expect(long).toEqual([]);
  });
});
