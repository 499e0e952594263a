import { eraseFeedback } from '../feedback/feedback';
import type { messagingApi } from '@line/bot-sdk';
import { formatDate, type ConversationState } from '../conversation';
import { deleteMedia } from '../media/media-store';
import { eraseVolunteerData } from '../volunteers/erase';
import type { TFunction } from 'i18next';
import { isOpenCase } from './case-actions';
import type { BotDeps } from './handler';

type Deps = Pick<BotDeps, 'i18n' | 'models' | 'media' | 'cases' | 'consents'>;

const byUser = (userId: string) => ({
  $or: [{ 'reporter.lineUserId': userId }, { 'volunteer.lineUserId': userId }],
});

/** The user's cases as cards (reported by them or for them), newest first. */
export async function casesCarousel(
  deps: Deps,
  userId: string,
  language: string,
): Promise<messagingApi.Message> {
  const t = deps.i18n.getFixedT(language);
  const cases = await deps.cases.cases
    .find(byUser(userId), { reference: 1, category: 1, status: 1, createdAt: 1, timeline: 1 })
    .sort({ createdAt: -1 })
    .limit(10)
    .lean();
  if (cases.length === 0) return { type: 'text', text: t('line:cases.none') };
  const bubbles: messagingApi.FlexBubble[] = cases.map((item) => ({
    type: 'bubble',
    size: 'kilo',
    body: {
      type: 'box',
      layout: 'vertical',
      spacing: 'sm',
      contents: [
        { type: 'text', text: item.reference, weight: 'bold', size: 'lg' },
        { type: 'text', text: t(`cases:category.${item.category}`), wrap: true },
        {
          type: 'text',
          text: t('line:cases.status', { status: t(`cases:status.${item.status}`) }),
          wrap: true,
          color: '#1a6b3c',
        },
        {
          type: 'text',
          text: t('line:cases.reported', { date: formatDate(item.createdAt.toISOString(), language) }),
          size: 'sm',
          color: '#555555',
          wrap: true,
        },
        ...(item.timeline ?? [])
          .filter((entry) => entry.kind === 'status_changed' && entry.to)
          .slice(-3)
          .map((entry) => ({
            type: 'text' as const,
            text: `${formatDate(entry.at.toISOString(), language)} · ${t(`cases:status.${entry.to}`)}`,
            size: 'xs' as const,
            color: '#555555',
            wrap: true,
          })),
      ],
    },
    ...(isOpenCase(item.status) ? { footer: caseButtons(item.reference, t) } : {}),
  }));
  return { type: 'flex', altText: t('line:cases.alt'), contents: { type: 'carousel', contents: bubbles } };
}

/** What the reporter can still do with an open case; the engine starts "my cases" on `case:<ref>:<action>`. */
function caseButtons(reference: string, t: TFunction): messagingApi.FlexBox {
  const button = (action: string, key: string): messagingApi.FlexButton => {
    const label = t(key);
    return {
      type: 'button',
      style: action === 'withdraw' ? 'secondary' : 'primary',
      height: 'sm',
      action: { type: 'postback', label, data: `case:${reference}:${action}`, displayText: label },
    };
  };
  return {
    type: 'box',
    layout: 'vertical',
    spacing: 'sm',
    contents: [
      button('photos', 'line:cases.add_photos'),
      button('note', 'line:cases.add_note'),
      button('withdraw', 'line:cases.withdraw'),
    ],
  };
}

/** What NeedLine keeps about the user, in plain words (PDPA right of access). */
export async function myDataSummary(
  deps: Deps,
  userId: string,
  state: ConversationState,
  language: string,
): Promise<messagingApi.Message> {
  const t = deps.i18n.getFixedT(language);
  const [cases, media, consent] = await Promise.all([
    deps.cases.cases.countDocuments(byUser(userId)),
    deps.media.Media.countDocuments({ userId }),
    deps.consents.findOne({ lineUserId: userId, withdrawnAt: null }).sort({ givenAt: -1 }).lean(),
  ]);
  return {
    type: 'text',
    text: t('line:my_data.summary', {
      language: state.language ?? language,
      consent: consent
        ? t('line:my_data.consent_given', { date: formatDate(consent.givenAt.toISOString(), language) })
        : t('line:my_data.consent_none'),
      cases,
      media,
    }),
  };
}

/**
 * PDPA erasure that really deletes: media bytes, names, phones, descriptions, exact places, the
 * messages we sent and a volunteer's registrations and menu. Cases keep only what anonymous
 * statistics need (category, province, status, dates).
 */
export async function eraseUserData(
  deps: Deps & Pick<BotDeps, 'api'>,
  userId: string,
): Promise<{ cases: number; media: number }> {
  // First: a failed unlink throws before anything is erased, and the retried event erases it all.
  await eraseVolunteerData({ connection: deps.models.LineUser.db, lineApi: deps.api }, userId);
  const cases = await deps.cases.cases.find(byUser(userId), { _id: 1, mediaIds: 1, description: 1 }).lean();
  const mediaIds = new Set<string>();
  for (const item of cases) {
    for (const id of item.mediaIds ?? []) mediaIds.add(id);
    if (item.description?.voiceMediaId) mediaIds.add(item.description.voiceMediaId);
  }
  for (const media of await deps.media.Media.find({ userId }, { _id: 1 }).lean()) mediaIds.add(media._id);
  for (const id of mediaIds) await deleteMedia(deps.media, id);

  await deps.cases.cases.updateMany(
    { _id: { $in: cases.map((item) => item._id) } },
    {
      $set: {
        'reporter.lineUserId': 'erased',
        mediaIds: [],
        keywords: [],
        'description.text': '[erased]',
        erasedAt: new Date(),
      },
      $unset: {
        'household.headName': '',
        'household.phone': '',
        'description.voiceMediaId': '',
        'location.lat': '',
        'location.lng': '',
        'location.typedAddress': '',
        volunteer: '',
      },
    },
    { strict: false },
  );
  await eraseFeedback(deps.models.LineUser.db, userId);
  await deps.consents.deleteMany({ lineUserId: userId });
  await deps.models.OutboundMessage.deleteMany({ to: userId });
  // What they wrote goes too, but for events still waiting in this chat's queue (this erasure runs
  // as one of them): those are deleted once done, by the purge.
  const queued = await deps.models.QueuedEvent.find({ chatKey: `user:${userId}` }, { _id: 1 }).lean();
  await deps.models.InboundEvent.deleteMany({ userId, _id: { $nin: queued.map((entry) => entry._id) } });
  await deps.models.LineUser.updateOne({ _id: userId }, { $unset: { displayName: '', language: '' } });
  return { cases: cases.length, media: mediaIds.size };
}
