import type { SKRSContext2D } from '@napi-rs/canvas';
import type { IconName } from './layouts';

type Ctx = SKRSContext2D;

/** Line icons drawn in a box from -1 to 1 on both axes (the caller translates and scales). */
const ICONS: Record<IconName, (ctx: Ctx) => void> = {
  'house-plus': (ctx) => {
    house(ctx);
    line(ctx, 0, 0.05, 0, 0.65);
    line(ctx, -0.3, 0.35, 0.3, 0.35);
  },
  folder: (ctx) => {
    ctx.beginPath();
    ctx.moveTo(-0.9, -0.6);
    ctx.lineTo(-0.35, -0.6);
    ctx.lineTo(-0.2, -0.42);
    ctx.lineTo(0.9, -0.42);
    ctx.lineTo(0.9, 0.7);
    ctx.lineTo(-0.9, 0.7);
    ctx.closePath();
    ctx.stroke();
    line(ctx, -0.9, -0.2, 0.9, -0.2);
  },
  chat: (ctx) => {
    ctx.beginPath();
    ctx.roundRect(-0.9, -0.75, 1.8, 1.2, 0.25);
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(-0.45, 0.45);
    ctx.lineTo(-0.6, 0.85);
    ctx.lineTo(-0.1, 0.45);
    ctx.stroke();
    for (const x of [-0.45, 0, 0.45]) dot(ctx, x, -0.15, 0.11);
  },
  globe: (ctx) => {
    circle(ctx, 0, 0, 0.85);
    ctx.beginPath();
    ctx.ellipse(0, 0, 0.38, 0.85, 0, 0, Math.PI * 2);
    ctx.stroke();
    line(ctx, -0.85, 0, 0.85, 0);
    line(ctx, -0.72, -0.45, 0.72, -0.45);
    line(ctx, -0.72, 0.45, 0.72, 0.45);
  },
  shield: (ctx) => {
    ctx.beginPath();
    ctx.moveTo(0, -0.9);
    ctx.lineTo(0.75, -0.6);
    ctx.quadraticCurveTo(0.75, 0.5, 0, 0.9);
    ctx.quadraticCurveTo(-0.75, 0.5, -0.75, -0.6);
    ctx.closePath();
    ctx.stroke();
    ctx.beginPath();
    ctx.moveTo(-0.32, 0);
    ctx.lineTo(-0.06, 0.28);
    ctx.lineTo(0.36, -0.24);
    ctx.stroke();
  },
  household: (ctx) => {
    house(ctx);
    person(ctx, -0.22, 0.22, 0.14);
    person(ctx, 0.24, 0.3, 0.11);
  },
  'map-pin': (ctx) => {
    ctx.beginPath();
    ctx.arc(0, -0.3, 0.58, Math.PI * 0.8, Math.PI * 0.2);
    ctx.lineTo(0, 0.92);
    ctx.closePath();
    ctx.stroke();
    circle(ctx, 0, -0.3, 0.22);
  },
  clipboard: (ctx) => {
    ctx.beginPath();
    ctx.roundRect(-0.68, -0.75, 1.36, 1.65, 0.12);
    ctx.stroke();
    ctx.beginPath();
    ctx.roundRect(-0.3, -0.92, 0.6, 0.32, 0.08);
    ctx.fill();
    line(ctx, -0.38, -0.25, 0.38, -0.25);
    line(ctx, -0.38, 0.1, 0.38, 0.1);
    line(ctx, -0.38, 0.45, 0.12, 0.45);
  },
  checklist: (ctx) => {
    ctx.beginPath();
    ctx.roundRect(-0.68, -0.75, 1.36, 1.65, 0.12);
    ctx.stroke();
    ctx.beginPath();
    ctx.roundRect(-0.3, -0.92, 0.6, 0.32, 0.08);
    ctx.fill();
    for (const y of [-0.25, 0.15, 0.55]) {
      ctx.beginPath();
      ctx.moveTo(-0.46, y);
      ctx.lineTo(-0.34, y + 0.12);
      ctx.lineTo(-0.14, y - 0.12);
      ctx.stroke();
      line(ctx, 0.04, y, 0.44, y);
    }
  },
  switch: (ctx) => {
    arrow(ctx, -0.8, 0.8, -0.35);
    arrow(ctx, 0.8, -0.8, 0.35);
  },
};

export function drawIcon(ctx: Ctx, name: IconName, cx: number, cy: number, size: number, color: string) {
  ctx.save();
  ctx.translate(cx, cy);
  ctx.scale(size / 2, size / 2);
  ctx.strokeStyle = color;
  ctx.fillStyle = color;
  ctx.lineWidth = 0.11;
  ctx.lineCap = 'round';
  ctx.lineJoin = 'round';
  ICONS[name](ctx);
  ctx.restore();
}

function line(ctx: Ctx, x1: number, y1: number, x2: number, y2: number) {
  ctx.beginPath();
  ctx.moveTo(x1, y1);
  ctx.lineTo(x2, y2);
  ctx.stroke();
}

function circle(ctx: Ctx, x: number, y: number, r: number) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.stroke();
}

function dot(ctx: Ctx, x: number, y: number, r: number) {
  ctx.beginPath();
  ctx.arc(x, y, r, 0, Math.PI * 2);
  ctx.fill();
}

function house(ctx: Ctx) {
  ctx.beginPath();
  ctx.moveTo(-0.95, -0.05);
  ctx.lineTo(0, -0.88);
  ctx.lineTo(0.95, -0.05);
  ctx.stroke();
  ctx.beginPath();
  ctx.moveTo(-0.7, -0.25);
  ctx.lineTo(-0.7, 0.85);
  ctx.lineTo(0.7, 0.85);
  ctx.lineTo(0.7, -0.25);
  ctx.stroke();
}

function person(ctx: Ctx, x: number, headY: number, r: number) {
  dot(ctx, x, headY - r, r);
  ctx.beginPath();
  ctx.arc(x, headY + r * 3.4, r * 2, Math.PI, 0);
  ctx.fill();
}

function arrow(ctx: Ctx, x1: number, x2: number, y: number) {
  line(ctx, x1, y, x2, y);
  const head = Math.sign(x2 - x1) * 0.32;
  ctx.beginPath();
  ctx.moveTo(x2 - head, y - 0.3);
  ctx.lineTo(x2, y);
  ctx.lineTo(x2 - head, y + 0.3);
  ctx.stroke();
}
