import { createHash } from 'node:crypto';
import type { RichMenuDefinition, RichMenuImage } from './definitions';

/** Names of the menus NeedLine made; the deploy never touches any other menu of the channel. */
export const OWN_MENU_NAME = /^needline-([a-z0-9-]+)-([0-9a-f]{8})$/;

/** JSON with sorted keys, so the hash does not depend on how a definition was written. */
function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${stableJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * `needline-<key>-<hash8>`: the hash covers the menu and its image, because LINE cannot replace a
 * menu's image or areas: any change needs a new menu.
 */
export function richMenuName(definition: RichMenuDefinition, image: RichMenuImage): string {
  const hash = createHash('sha256')
    .update(stableJson({ key: definition.key, menu: definition.menu }))
    .update(image.contentType)
    .update(image.data)
    .digest('hex');
  return `needline-${definition.key}-${hash.slice(0, 8)}`;
}
