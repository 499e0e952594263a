import { z } from 'zod';
import { CATEGORIES } from '../cases/case-schema';

/** A published number, or why it is not shown. */
export const figureSchema = z.union([
  z.object({ value: z.number().int().min(0) }),
  z.object({
    value: z.null(),
    /** `small`: it rests on fewer households than the threshold; `protects_small`: hidden so a small one cannot be worked out. */
    hidden: z.enum(['small', 'protects_small']),
  }),
]);
export type Figure = z.infer<typeof figureSchema>;

/** What is left of a total once its shown parts are taken away: never fewer than the threshold, or 0. */
const remainderSchema = z.number().int().min(0).nullable();

const placeSchema = z.object({
  /** DOPA code (2 digits province, 4 district); null when the place was not known. */
  code: z.string().nullable(),
  nameTh: z.string().nullable(),
  nameEn: z.string().nullable(),
});

const areaFiguresSchema = z.object({
  needs: figureSchema,
  completed: figureSchema,
  familiesHelped: figureSchema,
  peopleReached: figureSchema,
});
export type AreaFigures = z.infer<typeof areaFiguresSchema>;

const remaindersSchema = z.object({
  needs: remainderSchema,
  completed: remainderSchema,
  familiesHelped: remainderSchema,
  peopleReached: remainderSchema,
});

const mediansSchema = z.object({
  /** Whole days from the report to the first home visit; null when fewer cases than the threshold. */
  daysToFirstVisit: z.number().int().min(0).nullable(),
  daysToCompletion: z.number().int().min(0).nullable(),
});

const categoryRowSchema = z.object({ category: z.enum(CATEGORIES), needs: figureSchema });
const monthRowSchema = z.object({
  /** YYYY-MM (Gregorian), Bangkok time; `earlier` for everything before the first month listed. */
  month: z.string(),
  needs: figureSchema,
});

export const provinceFiguresSchema = placeSchema.extend({
  ...areaFiguresSchema.shape,
  medians: mediansSchema,
  districts: z.array(placeSchema.extend(areaFiguresSchema.shape)),
  /** The districts not shown one by one, together. */
  otherDistricts: remaindersSchema,
  categories: z.array(categoryRowSchema),
  months: z.array(monthRowSchema),
});
export type ProvinceFigures = z.infer<typeof provinceFiguresSchema>;

export const publicFiguresSchema = z.object({
  /** The last day counted (Bangkok, YYYY-MM-DD): figures stop at the end of the last whole month. */
  asOf: z.string(),
  /** Cells resting on fewer households than this are not shown. */
  threshold: z.number().int(),
  totals: areaFiguresSchema.extend({
    homesRepaired: figureSchema,
    homesBuilt: figureSchema,
    medians: mediansSchema,
  }),
  provinces: z.array(provinceFiguresSchema),
  /** The provinces not shown one by one, together. */
  otherProvinces: remaindersSchema,
  categories: z.array(categoryRowSchema.extend({ completed: figureSchema })),
  months: z.array(monthRowSchema.extend({ completed: figureSchema })),
});
export type PublicFigures = z.infer<typeof publicFiguresSchema>;
