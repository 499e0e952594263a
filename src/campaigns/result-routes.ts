import type { Router } from 'express';
import type { StaffContext, StaffDeps } from '../staff/context';
import type { Campaigns } from './campaigns';

/** Coverage, indicators, export and the households on the map (slice 3). */
export function resultRoutes(
  _router: Router,
  _context: StaffContext,
  _deps: StaffDeps,
  _campaigns: Campaigns,
): void {}
