import { crc32, deflateSync } from 'node:zlib';

/**
 * Generated photos of a house for the demo data: a worn house for "before", the same house mended
 * for "after". Painted pixel by pixel and written as PNG with node's zlib, so the demo needs no
 * native image library at run time.
 */

type Rgb = [number, number, number];

class Picture {
  readonly pixels: Buffer;
  constructor(
    readonly width: number,
    readonly height: number,
  ) {
    this.pixels = Buffer.alloc(width * height * 3);
  }

  set(x: number, y: number, colour: Rgb): void {
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.pixels.set(colour, (Math.floor(y) * this.width + Math.floor(x)) * 3);
  }

  rect(x0: number, y0: number, w: number, h: number, colour: Rgb): void {
    for (let y = Math.max(0, y0); y < Math.min(this.height, y0 + h); y++)
      for (let x = Math.max(0, x0); x < Math.min(this.width, x0 + w); x++) this.set(x, y, colour);
  }

  /** A roof: a trapezoid from the ridge down to the eaves. */
  roof(
    left: number,
    right: number,
    ridgeY: number,
    eavesY: number,
    overhang: number,
    colour: Rgb,
    ribs?: Rgb,
  ): void {
    for (let y = ridgeY; y <= eavesY; y++) {
      const t = (y - ridgeY) / Math.max(1, eavesY - ridgeY);
      const inset = (1 - t) * ((right - left) / 2 - 10);
      for (let x = Math.round(left - overhang * t + inset); x <= right + overhang * t - inset; x++)
        this.set(x, y, ribs && x % 7 === 0 ? ribs : colour);
    }
  }

  png(): Buffer {
    const rows: Buffer[] = [];
    for (let y = 0; y < this.height; y++) {
      rows.push(Buffer.from([0]), this.pixels.subarray(y * this.width * 3, (y + 1) * this.width * 3));
    }
    const header = Buffer.alloc(13);
    header.writeUInt32BE(this.width, 0);
    header.writeUInt32BE(this.height, 4);
    header[8] = 8;
    header[9] = 2;
    return Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      pngChunk('IHDR', header),
      pngChunk('IDAT', deflateSync(Buffer.concat(rows), { level: 9 })),
      pngChunk('IEND', Buffer.alloc(0)),
    ]);
  }
}

function pngChunk(type: string, body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  const typed = Buffer.concat([Buffer.from(type, 'ascii'), body]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typed));
  return Buffer.concat([length, typed, crc]);
}

/** A small deterministic generator, so a photo is the same for the same seed. */
function generator(seed: number) {
  let state = seed >>> 0 || 1;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const mix = (a: Rgb, b: Rgb, t: number): Rgb => [
  Math.round(a[0] + (b[0] - a[0]) * t),
  Math.round(a[1] + (b[1] - a[1]) * t),
  Math.round(a[2] + (b[2] - a[2]) * t),
];

export type HousePhoto = 'before' | 'after';

/** A 320×240 PNG of a house on a hillside (Khao Kho's hills), worn or mended. */
export function housePhoto(seed: number, kind: HousePhoto): Buffer {
  const random = generator(seed);
  const width = 320;
  const height = 240;
  const picture = new Picture(width, height);
  for (let y = 0; y < height; y++) {
    const sky = mix([150, 200, 240], [225, 238, 248], y / 140);
    picture.rect(0, y, width, 1, sky);
  }
  // Hills and ground.
  const hillPhase = random() * 6;
  for (let x = 0; x < width; x++) {
    const top = 120 + Math.sin(x / 40 + hillPhase) * 14 + Math.sin(x / 17) * 4;
    for (let y = Math.floor(top); y < height; y++)
      picture.set(x, y, mix([86, 140, 80], [60, 110, 60], (y - top) / 80));
  }
  picture.rect(0, 190, width, 50, [140, 112, 80]);

  const left = 70 + Math.floor(random() * 40);
  const right = left + 150 + Math.floor(random() * 30);
  const wallTop = 120;
  const ground = 195;
  const wood: Rgb = kind === 'before' ? [120, 92, 62] : [186, 140, 92];
  picture.rect(left, wallTop, right - left, ground - wallTop, wood);
  // Planks, with gaps on the worn house.
  for (let x = left; x < right; x += 9) {
    picture.rect(x, wallTop, 1, ground - wallTop, kind === 'before' ? [70, 52, 36] : [150, 110, 70]);
    if (kind === 'before' && random() < 0.35)
      picture.rect(x + 2, wallTop + 10 + random() * 30, 4, 18, [40, 30, 22]);
  }
  const door: Rgb = kind === 'before' ? [60, 45, 30] : [110, 60, 40];
  picture.rect(left + 20, wallTop + 25, 26, ground - wallTop - 25, door);
  picture.rect(right - 55, wallTop + 18, 30, 24, kind === 'before' ? [30, 30, 30] : [170, 210, 235]);

  const roofColour: Rgb =
    kind === 'before' ? [128, 118, 108] : random() < 0.5 ? [46, 96, 160] : [170, 60, 50];
  picture.roof(
    left,
    right,
    70,
    wallTop,
    14,
    roofColour,
    kind === 'after' ? mix(roofColour, [255, 255, 255], 0.25) : undefined,
  );
  if (kind === 'before') {
    // Rust and holes in the corrugated sheets.
    for (let i = 0; i < 9; i++) {
      const x = left + random() * (right - left);
      const y = 80 + random() * 35;
      picture.rect(x, y, 6 + random() * 14, 4 + random() * 6, random() < 0.5 ? [150, 80, 40] : [35, 30, 28]);
    }
  }
  return picture.png();
}
