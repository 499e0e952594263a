import type { Case } from '../cases/case-schema';
import { planQuota, quotaSnapshot } from '../broadcasts/quota';
import { areaCaseView } from './area-cases';
import { caseNoticeCard } from './cards';
import type { VolunteerDeps } from './deps';
import { volunteerModels, type VolunteerDoc } from './model';

/** Volunteers told about one new case at most. */
export const OFFERS_PER_CASE = 5;
/** Share of the month's quota offers never touch: case status updates need it. */
export const OFFER_QUOTA_RESERVE_PERCENT = 20;

export type OfferResult = {
  /** LINE user ids offered the case (each once, whatever the number of calls). */
  offered: string[];
  /** Volunteers covering the place, before the cap and the quota. */
  eligible: number;
  /** `quota`: some or all were left out to keep the reserve. */
  skipped: 'no_place' | 'quota' | null;
};

export type OfferCase = Pick<
  Case,
  'reference' | 'category' | 'status' | 'createdAt' | 'location' | 'household' | 'reporter' | 'volunteer'
>;

/**
 * Offers a new case to approved volunteers covering its district (or its whole province), the
 * longest-serving first, at most `maxPerCase`, and only as many as the month's quota allows once
 * 20 % of it is kept free; the card names no one. Call it after the case is created: calling it
 * again sends nothing twice (the outbound id is the case and the volunteer).
 */
export async function offerNewCase(
  deps: VolunteerDeps,
  caseRecord: OfferCase,
  options: { maxPerCase?: number } = {},
): Promise<OfferResult> {
  const { provinceCode, districtCode } = caseRecord.location.resolved ?? {};
  if (!provinceCode) return { offered: [], eligible: 0, skipped: 'no_place' };
  const { Volunteer } = volunteerModels(deps.connection);
  const nearby = await Volunteer.find({ status: 'active', 'areas.provinceCode': provinceCode })
    .sort({ decidedAt: 1, _id: 1 })
    .lean<VolunteerDoc[]>();
  const involved = new Set([caseRecord.reporter.lineUserId, caseRecord.volunteer?.lineUserId]);
  const seen = new Set<string>();
  const eligible = nearby.filter((v) => {
    const covers = v.areas.some(
      (a) => a.provinceCode === provinceCode && (!a.districtCode || a.districtCode === districtCode),
    );
    if (!covers || involved.has(v.lineUserId) || seen.has(v.lineUserId)) return false;
    seen.add(v.lineUserId);
    return true;
  });
  const capped = eligible.slice(0, options.maxPerCase ?? OFFERS_PER_CASE);
  if (capped.length === 0) return { offered: [], eligible: 0, skipped: null };

  const plan = planQuota(await quotaSnapshot(deps.connection, deps.lineApi), capped.length, {
    reservePercent: OFFER_QUOTA_RESERVE_PERCENT,
    reserveMinimum: 0,
  });
  const chosen = capped.slice(0, plan.availableForBroadcasts ?? capped.length);
  const skipped = chosen.length < capped.length ? 'quota' : null;
  if (chosen.length === 0) {
    deps.logger.info(
      { reference: caseRecord.reference, eligible: eligible.length },
      'case offers skipped: quota',
    );
    return { offered: [], eligible: eligible.length, skipped: 'quota' };
  }

  const view = areaCaseView(caseRecord, false);
  for (const volunteer of chosen) {
    const id = `volunteer-offer:${caseRecord.reference}:${volunteer.lineUserId}`;
    await deps.sender.enqueue({
      id,
      to: volunteer.lineUserId,
      purpose: 'volunteer-offer',
      caseReference: caseRecord.reference,
      messages: [caseNoticeCard(deps.i18n.getFixedT(volunteer.language), volunteer.language, view, 'offer')],
    });
    await deps.sender.deliver(id);
  }
  deps.logger.info(
    { reference: caseRecord.reference, offered: chosen.length, eligible: eligible.length },
    'case offered to volunteers',
  );
  return { offered: chosen.map((v) => v.lineUserId), eligible: eligible.length, skipped };
}
