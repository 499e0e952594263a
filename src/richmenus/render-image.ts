import { createCanvas, GlobalFonts, type SKRSContext2D } from '@napi-rs/canvas';
import type { TFunction } from 'i18next';
import { drawIcon } from './icons';
import type { MenuLayout, Tile } from './layouts';

/** Debian's fonts-thai-tlwg: Waree is a clear sans serif with Thai and Latin glyphs. */
export const THAI_FONT_PATH = '/usr/share/fonts/truetype/tlwg/Waree-Bold.ttf';
const FONT = 'NeedLineWaree';

const TEXT = '#FFFFFF';
const SUBTITLE = '#F1F1F1';
const SEPARATOR = '#FFFFFF';

export type Labels = { primary: TFunction; secondary: TFunction };

/**
 * The menu image: one coloured tile per area with a line icon, the label in the primary language
 * (Thai) and a smaller one in the secondary (English). A dev tool: the output is committed.
 */
export function renderMenuImage(layout: MenuLayout, labels: Labels, fontPath = THAI_FONT_PATH): Buffer {
  if (!GlobalFonts.has(FONT) && !GlobalFonts.registerFromPath(fontPath, FONT)) {
    throw new Error(`cannot load the Thai font ${fontPath} (Debian: apt-get install fonts-thai-tlwg)`);
  }
  const { width, height } = layout.size;
  const canvas = createCanvas(width, height);
  const ctx = canvas.getContext('2d');
  for (const tile of layout.tiles) drawTile(ctx, tile, labels);
  // Thin white gaps keep neighbouring tiles apart for people with low vision.
  ctx.strokeStyle = SEPARATOR;
  ctx.lineWidth = 8;
  for (const { bounds } of layout.tiles) ctx.strokeRect(bounds.x, bounds.y, bounds.width, bounds.height);
  return canvas.toBuffer('image/png');
}

function drawTile(ctx: SKRSContext2D, tile: Tile, labels: Labels) {
  const { x, y, width, height } = tile.bounds;
  ctx.fillStyle = tile.color;
  ctx.fillRect(x, y, width, height);

  const maxTextWidth = width - 100;
  const primary = fitLines(ctx, labels.primary(tile.label), maxTextWidth, 100, 56);
  const secondary = fitLines(ctx, labels.secondary(tile.label), maxTextWidth, 60, 36);
  const iconSize = 250;
  const gap = 50;
  const primaryHeight = primary.lines.length * primary.size * 1.25;
  const secondaryHeight = secondary.lines.length * secondary.size * 1.25;
  const total = iconSize + gap + primaryHeight + 20 + secondaryHeight;
  let top = y + (height - total) / 2;

  drawIcon(ctx, tile.icon, x + width / 2, top + iconSize / 2, iconSize, TEXT);
  top += iconSize + gap;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillStyle = TEXT;
  ctx.font = font(primary.size);
  for (const text of primary.lines) {
    ctx.fillText(text, x + width / 2, top + primary.size * 0.62);
    top += primary.size * 1.25;
  }
  top += 20;
  ctx.fillStyle = SUBTITLE;
  ctx.font = font(secondary.size, false);
  for (const text of secondary.lines) {
    ctx.fillText(text, x + width / 2, top + secondary.size * 0.62);
    top += secondary.size * 1.25;
  }
}

const font = (size: number, bold = true) => `${bold ? 'bold ' : ''}${size}px ${FONT}`;

/** The largest size from `max` down to `min` at which the text fits in two lines, split at spaces. */
function fitLines(ctx: SKRSContext2D, text: string, maxWidth: number, max: number, min: number) {
  for (let size = max; size >= min; size -= 4) {
    ctx.font = font(size);
    const lines = wrap(ctx, text, maxWidth);
    if (lines.length <= 2 && lines.every((l) => ctx.measureText(l).width <= maxWidth)) return { size, lines };
  }
  throw new Error(`label does not fit its tile: ${text}`);
}

function wrap(ctx: SKRSContext2D, text: string, maxWidth: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const candidate = current ? `${current} ${word}` : word;
    if (current && ctx.measureText(candidate).width > maxWidth) {
      lines.push(current);
      current = word;
    } else current = candidate;
  }
  if (current) lines.push(current);
  return lines;
}
