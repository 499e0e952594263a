import { inspectImage } from '../line-emulator/images';
import type { RichMenuDefinition, RichMenuImage } from './definitions';

/** LINE's rules for a rich menu image (see shared/reference/line-platform.md). */
export const IMAGE_LIMITS = { maxBytes: 1024 * 1024, minWidth: 800, maxWidth: 2500, minHeight: 250 };

/** Problems that would make LINE refuse the upload; checked before any menu is created. */
export function imageProblems(definition: RichMenuDefinition, image: RichMenuImage | undefined): string[] {
  if (!image) return [`${definition.key}: no image`];
  const problems: string[] = [];
  const info = inspectImage(image.data);
  const expected = image.contentType === 'image/png' ? 'png' : 'jpeg';
  if (!info || info.format !== expected) return [`${definition.key}: not a valid ${expected.toUpperCase()}`];
  const { width, height } = definition.menu.size;
  if (info.width !== width || info.height !== height) {
    problems.push(`${definition.key}: image is ${info.width}x${info.height}, the menu ${width}x${height}`);
  }
  if (image.data.length > IMAGE_LIMITS.maxBytes) {
    problems.push(`${definition.key}: image is ${image.data.length} bytes, at most ${IMAGE_LIMITS.maxBytes}`);
  }
  return problems;
}
