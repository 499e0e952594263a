import { checkAction, type RuleOptions } from './message-rules';
import type { ErrorDetail } from './types';

/** LINE's rich menu limits (see shared/reference/line-platform.md). */
export const RICH_MENU_LIMITS = {
  minWidth: 800,
  maxWidth: 2500,
  minHeight: 250,
  minAspectRatio: 1.45,
  maxAreas: 20,
  chatBarText: 14,
  name: 300,
  imageBytes: 1024 * 1024,
  menusPerChannel: 1000,
  aliasId: /^[a-z0-9_-]{1,32}$/,
} as const;

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const isInt = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value);

/** Problems of a rich menu object as LINE would report them (empty when it would accept it). */
export function checkRichMenu(body: Record<string, unknown>, options: RuleOptions = {}): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const add = (property: string, message: string) => details.push({ property, message });
  const L = RICH_MENU_LIMITS;

  const size = body.size;
  let width = 0;
  let height = 0;
  if (!isObject(size)) add('size', 'May not be empty');
  else if (!isInt(size.width) || !isInt(size.height)) add('size', 'width and height must be integers');
  else {
    width = size.width;
    height = size.height;
    if (width < L.minWidth || width > L.maxWidth) {
      add('size.width', `Must be between ${L.minWidth} and ${L.maxWidth}`);
    }
    if (height < L.minHeight) add('size.height', `Must be at least ${L.minHeight}`);
    if (height > 0 && width / height < L.minAspectRatio) {
      add('size', `The aspect ratio (width / height) must be at least ${L.minAspectRatio}`);
    }
  }

  if (typeof body.selected !== 'boolean') add('selected', 'May not be empty');

  const text = (key: string, max: number) => {
    const value = body[key];
    if (typeof value !== 'string' || value.length === 0) add(key, 'May not be empty');
    else if (Array.from(value).length > max) add(key, `Length must be between 1 and ${max}`);
  };
  text('name', L.name);
  text('chatBarText', L.chatBarText);

  const areas = body.areas;
  if (!Array.isArray(areas)) {
    add('areas', 'May not be empty');
    return details;
  }
  if (areas.length > L.maxAreas) add('areas', `Size must be between 0 and ${L.maxAreas}`);
  areas.forEach((area, i) => {
    const at = `areas[${i}]`;
    if (!isObject(area)) return add(at, 'Must be of type object');
    const bounds = area.bounds;
    if (!isObject(bounds)) add(`${at}.bounds`, 'May not be empty');
    else {
      const { x, y, width: w, height: h } = bounds;
      if (!isInt(x) || !isInt(y) || !isInt(w) || !isInt(h) || x < 0 || y < 0 || w < 1 || h < 1) {
        add(`${at}.bounds`, 'x and y must be integers >= 0, width and height integers >= 1');
      } else if (width > 0 && (x + w > width || y + h > height)) {
        add(`${at}.bounds`, 'The area must lie within the rich menu size');
      }
    }
    details.push(...checkAction(area.action, `${at}.action`, 'richMenu', options));
  });
  return details;
}
