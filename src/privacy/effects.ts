import type { EffectHandlers } from '../conversation/effects';
import { withdrawPublications } from '../cases/publication-consent';
import { purgeUnusedMedia } from './media-purge';
import { consentId } from '../conversation/effects';
import { eraseUserData } from './erasure';
import { loadDataCopy, renderDataCopy, type PrivacyDeps } from './my-data';
import { isDuplicateKey } from '../db/models';

/** Consent given or withdrawn, the data copy and erasure: the privacy feature's effects. */
export function privacyEffects(
  deps: PrivacyDeps,
): Pick<EffectHandlers, 'recordConsent' | 'withdrawConsent' | 'deleteMyData' | 'showMyData'> {
  return {
    async recordConsent(effect, { userId, receivedAt }) {
      await deps.consents
        .updateOne(
          { _id: consentId(userId, effect.at) },
          {
            $setOnInsert: {
              lineUserId: userId,
              noticeVersion: effect.noticeVersion,
              sensitive: effect.sensitive,
              language: effect.language,
              givenAt: new Date(effect.at),
            },
          },
          { upsert: true },
        )
        .catch((error: { code?: number }) => {
          // A retry of the same event, or two instances at once: the consent is recorded.
          if (!isDuplicateKey(error)) throw error;
        });
      await storeDisplayName(deps, userId, receivedAt);
    },

    async withdrawConsent(effect, { userId }) {
      // Files of no case (a report left unfinished) go at once, not after the purge's grace.
      await purgeUnusedMedia(deps.cases.connection, { olderThan: new Date(effect.at), userId });
      await deps.consents.updateMany(
        { lineUserId: userId, withdrawnAt: null },
        { $set: { withdrawnAt: new Date(effect.at) } },
      );
      await withdrawPublications(deps.cases.connection, userId, new Date(effect.at));
      await deps.models.LineUser.updateOne(
        { _id: userId },
        { $unset: { displayName: '', profileFetchedAt: '' } },
      );
    },

    async deleteMyData(_effect, { userId, t }) {
      const erased = await eraseUserData(deps, userId);
      return {
        messages: [
          {
            type: 'text',
            text: [
              t('line:my_data.deleted', erased),
              ...(erased.households > 0
                ? [t('line:my_data.households_kept', { count: erased.households })]
                : []),
            ].join('\n\n'),
          },
        ],
      };
    },

    async showMyData(_effect, { userId, language, t, room, receivedAt }) {
      const copy = await loadDataCopy(deps, userId, language);
      return { messages: renderDataCopy(copy, t, language, Math.max(room(), 1), receivedAt) };
    },
  };
}

const DAY_MS = 24 * 3600 * 1000;

/**
 * The LINE display name, which the privacy notice lists: kept only once the user consented, so
 * staff see who they talk to. A failed profile call keeps what we had; the next day tries again.
 */
export async function storeDisplayName(
  deps: Pick<PrivacyDeps, 'api' | 'models'>,
  userId: string,
  at: Date,
): Promise<void> {
  const profile = await deps.api.call(({ client }) => client.getProfile(userId)).catch(() => undefined);
  await deps.models.LineUser.updateOne(
    { _id: userId },
    { $set: { profileFetchedAt: at, ...(profile?.displayName ? { displayName: profile.displayName } : {}) } },
    { upsert: true },
  );
}

/** People change their LINE name: at most one profile call a day per consenting user. */
export async function refreshDisplayName(
  deps: Pick<PrivacyDeps, 'api' | 'models'>,
  userId: string,
  at: Date,
): Promise<void> {
  // Claimed by the conditional write, so the common case (fetched today) costs one write and no call.
  const due = await deps.models.LineUser.updateOne(
    {
      _id: userId,
      $or: [
        { profileFetchedAt: { $exists: false } },
        { profileFetchedAt: { $lt: new Date(at.getTime() - DAY_MS) } },
      ],
    },
    { $set: { profileFetchedAt: at } },
  );
  if (due.modifiedCount === 1) await storeDisplayName(deps, userId, at);
}
