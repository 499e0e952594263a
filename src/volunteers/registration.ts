import type { messagingApi } from '@line/bot-sdk';
import { z } from 'zod';
import type { Effect } from '../conversation';
import { loadAddressDirectory } from '../geo/address-directory';
import { areaCasesMessage } from './cards';
import { casesInArea } from './area-cases';
import { areaLabel, resolveAreas, type ResolvedAreas } from './areas';
import type { VolunteerDeps } from './deps';
import { claim, volunteerModels } from './model';
import { isDuplicateKey } from '../db/models';

const NS = 'volunteers';

/** The answers of flows/volunteer-register.ts, as the `volunteer.register` effect carries them. */
const registrationAnswers = z.object({
  name: z.string().trim().min(1).max(100),
  phone: z.string().regex(/^0\d{8,9}$/),
  organisation: z.string().trim().min(1).max(200).optional(),
  areas: z.string().trim().min(1).max(500),
  dataConsent: z.literal('agree'),
});

type HostEffect = Extract<Effect, { type: 'host' }>;

/**
 * The host side of the volunteer flows' `host` effects (`volunteer.*`): what to add to the reply,
 * nothing for other effects. Safe to run twice for one event: a registration is keyed by its run.
 */
export async function performVolunteerEffect(
  deps: VolunteerDeps,
  effect: Effect,
  userId: string,
): Promise<messagingApi.Message[]> {
  if (effect.type !== 'host') return [];
  const t = deps.i18n.getFixedT(effect.language, NS);
  switch (effect.action) {
    case 'volunteer.previewAreas': {
      const typed = typeof effect.answers.areas === 'string' ? effect.answers.areas : '';
      return [
        {
          type: 'text',
          text: previewText(t, effect.language, resolveAreas(await loadAddressDirectory(), typed)),
        },
      ];
    }
    case 'volunteer.register':
      await registerVolunteer(deps, effect, userId);
      return [];
    case 'volunteer.showAreaCases':
      return [
        areaCasesMessage(
          deps.i18n.getFixedT(effect.language),
          effect.language,
          await casesInArea(deps.connection, userId),
        ),
      ];
    default:
      return [];
  }
}

function previewText(
  t: (key: string, options?: Record<string, unknown>) => string,
  language: string,
  resolved: ResolvedAreas,
): string {
  if (resolved.areas.length === 0) return t('preview.none');
  const lines = [
    t('preview.understood'),
    ...resolved.areas.map((area) => {
      const label = areaLabel(area, language);
      return label.district ? t('preview.district', label) : t('preview.whole_province', label);
    }),
  ];
  if (resolved.unresolved.length > 0)
    lines.push('', t('preview.unresolved', { names: resolved.unresolved.join(', ') }));
  return lines.join('\n');
}

/**
 * Stores the registration as pending, once per chat run. An older registration still pending is
 * superseded (staff decide on the newest); an approved one stays active until this one is decided.
 */
export async function registerVolunteer(
  deps: VolunteerDeps,
  effect: HostEffect,
  userId: string,
): Promise<void> {
  const parsed = registrationAnswers.safeParse(effect.answers);
  if (!parsed.success) {
    // The flow only gets here with these answers: a mismatch is a flow bug, not the user's.
    deps.logger.error(
      { runId: effect.runId, problems: parsed.error.issues.map((i) => i.path.join('.')) },
      'volunteer registration answers do not fit',
    );
    return;
  }
  const answers = parsed.data;
  const models = volunteerModels(deps.connection);
  const now = (deps.clock ?? (() => new Date()))();
  const { areas, unresolved } = resolveAreas(await loadAddressDirectory(), answers.areas);
  try {
    await models.Volunteer.create({
      _id: effect.runId,
      lineUserId: userId,
      status: 'pending',
      name: answers.name,
      phone: answers.phone,
      ...(answers.organisation ? { organisation: answers.organisation } : {}),
      areas,
      areasTyped: answers.areas,
      unresolvedAreas: unresolved,
      language: effect.language,
      registeredAt: now,
    });
  } catch (error) {
    if (!isDuplicateKey(error)) throw error;
  }
  const older = await models.Volunteer.find(
    { lineUserId: userId, status: 'pending', _id: { $ne: effect.runId } },
    { _id: 1 },
  ).lean();
  for (const { _id } of older) {
    const claimed = await claim(models, { _id: `${_id}:decision`, outcome: 'superseded', by: null, at: now });
    if (claimed.won)
      await models.Volunteer.updateOne(
        { _id, status: 'pending' },
        { $set: { status: 'superseded', decidedAt: now } },
      );
  }
  deps.logger.info({ volunteerId: effect.runId }, 'volunteer registration stored');
}
