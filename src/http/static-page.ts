import { existsSync } from 'node:fs';
import path from 'node:path';
import express, { type Router } from 'express';

/**
 * A page's asset folder: beside the module in src/, or back in src/ when the compiled copy runs
 * from dist/src/<room>/ (tsc copies no assets). `marker` is a file the folder must hold.
 */
export function assetsBeside(moduleDir: string, folder: string, marker = 'index.html'): string {
  const room = path.basename(moduleDir);
  const candidates = [
    path.join(moduleDir, folder),
    path.resolve(moduleDir, '..', '..', '..', 'src', room, folder),
  ];
  return candidates.find((dir) => existsSync(path.join(dir, marker))) ?? candidates[0]!;
}

const LEAFLET_DIR = path.join(path.dirname(require.resolve('leaflet/package.json')), 'dist');

/** Leaflet's own files from node_modules, for the pages with a map (no CDN: the CSP is 'self'). */
export function serveLeaflet(router: Router, mountPath: string): void {
  router.use(mountPath, express.static(LEAFLET_DIR, { index: false }));
}

/** A Content-Security-Policy header value from its directives. */
export const contentSecurityPolicy = (...directives: string[]): string => directives.join('; ');
