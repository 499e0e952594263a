import type { z } from 'zod';
import type { Case } from '../cases/case-schema';
import type { caseItemView } from './schemas';

export type CaseItemView = z.infer<typeof caseItemView>;

/** The fields a masked (viewer) reader never receives; named in audit entries of unmasked reads. */
export const PERSONAL_FIELDS = [
  'household.headName',
  'household.phone',
  'location.lat',
  'location.lng',
  'location.typedAddress.village',
  'location.shared',
  'description.text',
  'reporter.lineUserId',
  'volunteer.lineUserId',
  'feedback.comment',
];

/** A shared location's name and address as one line, as the person's phone showed them. */
const sharedPlaceText = (shared: Case['location']['shared']) =>
  [shared?.title, shared?.address].filter(Boolean).join(' · ') || null;

/** A list item; personal data only when `masked` is false (the caller holds cases.readPersonal). */
export function viewCaseItem(record: Case, masked: boolean): CaseItemView {
  const resolved = record.location.resolved;
  return {
    reference: record.reference,
    status: record.status,
    category: record.category,
    priority: {
      level: record.priority.level,
      score: record.priority.score,
      partial: (record.priority.missing?.length ?? 0) > 0,
    },
    missingAnswers: record.household.missing ?? [],
    province: {
      code: resolved.provinceCode ?? null,
      name: resolved.province ?? null,
      district: resolved.district ?? null,
    },
    assigneeId: record.assigneeId ?? null,
    visitDate: record.visitDate ?? null,
    createdAt: record.createdAt.toISOString(),
    updatedAt: record.updatedAt.toISOString(),
    duplicateFlags: record.possibleDuplicateOf?.length ?? 0,
    erasedAt: record.erasedAt?.toISOString() ?? null,
    erasureReason: record.erasureReason ?? null,
    masked,
    personal: masked
      ? null
      : {
          headName: record.household.headName ?? null,
          phone: record.household.phone ?? null,
          lat: record.location.lat ?? null,
          lng: record.location.lng ?? null,
          village: record.location.typedAddress?.village ?? null,
          sharedPlace: sharedPlaceText(record.location.shared),
          description: record.description.text ?? null,
          reporterLineUserId: record.reporter.lineUserId,
          volunteerLineUserId: record.volunteer?.lineUserId ?? null,
        },
  };
}

/** Timeline entries as a masked reader may see them: no note texts, no media. */
export function viewTimeline(record: Case, masked: boolean) {
  return record.timeline.map((entry) => ({
    at: entry.at.toISOString(),
    kind: entry.kind,
    actor: entry.actor,
    ...(entry.from ? { from: entry.from } : {}),
    ...(entry.to ? { to: entry.to } : {}),
    ...(entry.text && !masked ? { text: entry.text } : {}),
    ...(entry.visibility ? { visibility: entry.visibility } : {}),
    ...(entry.mediaIds && !masked ? { mediaIds: entry.mediaIds } : {}),
    ...(entry.reference ? { reference: entry.reference } : {}),
  }));
}

/** Every media id of a case: report photos, the voice description, staff uploads. */
export function caseMediaIds(record: Case): string[] {
  const ids = new Set(record.mediaIds);
  if (record.description.voiceMediaId) ids.add(record.description.voiceMediaId);
  for (const entry of record.timeline) for (const id of entry.mediaIds ?? []) ids.add(id);
  return [...ids];
}
