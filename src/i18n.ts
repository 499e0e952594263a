import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import i18next, { type i18n, type TFunction } from 'i18next';

export const LOCALES_DIR = path.join(findUp(__dirname, 'locales'));

export type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Every folder under locales/ is a language; every JSON file in it a namespace. */
export function loadResources(dir = LOCALES_DIR): Resources {
  const resources: Resources = {};
  for (const language of readdirSync(dir)) {
    const languageDir = path.join(dir, language);
    if (!statSync(languageDir).isDirectory()) continue;
    resources[language] = {};
    for (const file of readdirSync(languageDir).filter((name) => name.endsWith('.json'))) {
      resources[language][file.replace(/\.json$/, '')] = JSON.parse(
        readFileSync(path.join(languageDir, file), 'utf8'),
      );
    }
  }
  return resources;
}

export function languages(resources: Resources): string[] {
  return Object.keys(resources);
}

/** The foundation's contact in the PDPA notice and the information menu; real values come from configuration. */
export type Contact = { contactPhone: string; privacyEmail: string };

/** Shown in sandbox mode and tests only: a real LINE channel refuses to start without real contact details. */
export const SANDBOX_CONTACT: Contact = {
  contactPhone: '02-000-0000',
  privacyEmail: 'privacy@needline.example.org',
};

/** A dedicated instance (not the i18next singleton), created once at start; ready on return. */
export function createI18n(
  defaultLocale: string,
  resources = loadResources(),
  contact: Contact = SANDBOX_CONTACT,
): i18n {
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: defaultLocale,
    fallbackLng: defaultLocale,
    supportedLngs: Object.keys(resources),
    defaultNS: 'common',
    ns: Object.keys(resources[defaultLocale] ?? {}),
    interpolation: { escapeValue: false, defaultVariables: contact },
    returnNull: false,
    initAsync: false,
  });
  return instance;
}

export type Translate = TFunction;

function findUp(start: string, name: string): string {
  let dir = start;
  for (;;) {
    const candidate = path.join(dir, name);
    try {
      if (statSync(candidate).isDirectory()) return candidate;
    } catch {
      // keep looking
    }
    const parent = path.dirname(dir);
    if (parent === dir) return path.join(process.cwd(), name);
    dir = parent;
  }
}
