import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { LOCALES_DIR, loadResources } from '../../src/i18n';

/** Every key path of a namespace, except the review marker. */
function keyPaths(node: unknown, prefix = ''): string[] {
  if (typeof node !== 'object' || node === null) return [prefix];
  return Object.entries(node).flatMap(([key, value]) =>
    key === '_review' ? [] : keyPaths(value, prefix ? `${prefix}.${key}` : key),
  );
}

describe('locales', () => {
  const resources = loadResources();
  const languages = Object.keys(resources);
  const namespaces = [...new Set(languages.flatMap((language) => Object.keys(resources[language]!)))];

  it('has Thai, English and Hmong', () => {
    expect(languages).toEqual(expect.arrayContaining(['th', 'en', 'hmn']));
  });

  it.each(namespaces)('namespace %s has the same keys in every language', (namespace) => {
    const reference = new Set(
      languages.flatMap((language) => keyPaths(resources[language]![namespace] ?? {})),
    );
    const missing = languages.flatMap((language) => {
      const present = new Set(keyPaths(resources[language]![namespace] ?? {}));
      return [...reference]
        .filter((key) => !present.has(key))
        .map((key) => `${language}/${namespace}.json: ${key}`);
    });
    expect(missing).toEqual([]);
  });

  it('has no empty texts', () => {
    const empty = languages.flatMap((language) =>
      Object.entries(resources[language]!).flatMap(([namespace, tree]) =>
        keyPaths(tree)
          .filter(
            (key) =>
              key
                .split('.')
                .reduce<unknown>((node, part) => (node as Record<string, unknown>)[part], tree) === '',
          )
          .map((key) => `${language}/${namespace}: ${key}`),
      ),
    );
    expect(empty).toEqual([]);
  });

  it('marks every Hmong file as awaiting review by a native speaker, first', () => {
    for (const file of readdirSync(path.join(LOCALES_DIR, 'hmn')).filter((name) => name.endsWith('.json'))) {
      const first = Object.keys(JSON.parse(readFileSync(path.join(LOCALES_DIR, 'hmn', file), 'utf8')))[0];
      expect(`${file}: ${first}`).toBe(`${file}: _review`);
    }
  });
});
