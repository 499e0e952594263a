import { randomBytes } from 'node:crypto';
import type { messagingApi } from '@line/bot-sdk';
import type { i18n, TFunction } from 'i18next';
import type { Connection } from 'mongoose';
import { caseModel } from './case-model';
import { postbackData, readPostback } from '../conversation/postback';
import { clip } from '../conversation/render';
import { publicationConsentModel } from './publication-consent-model';

/**
 * The separate consent to publish a completed repair's story (before/after photos, the kind of
 * need, the province and the month; never a name, phone or exact place). Asked once in the chat
 * when the case is completed, in the household's language, answered with a tap, withdrawn with a
 * tap at any time. It is no condition of anything: "no" changes nothing else.
 */

const NS = 'publication';

export const isPublicationPostback = (data: string) => readPostback(data)?.kind === 'publish';

const flexText = (value: string, extra: Partial<messagingApi.FlexText> = {}): messagingApi.FlexText => ({
  type: 'text',
  text: clip(value, 2000),
  wrap: true,
  ...extra,
});

function button(label: string, data: string, displayText: string, primary: boolean): messagingApi.FlexButton {
  return {
    type: 'button',
    style: primary ? 'primary' : 'secondary',
    height: 'sm',
    margin: 'sm',
    action: { type: 'postback', label: clip(label, 20), data, displayText: clip(displayText, 300) },
  };
}

/** The question, sent with the completion card: yes / no. */
export function publicationCard(t: TFunction, language: string, reference: string): messagingApi.FlexMessage {
  const vars = { lng: language, ns: NS, reference };
  return {
    type: 'flex',
    altText: clip(t('ask.altText', vars), 400),
    contents: {
      type: 'bubble',
      body: {
        type: 'box',
        layout: 'vertical',
        contents: [
          flexText(t('ask.title', vars), { weight: 'bold', size: 'lg' }),
          flexText(t('ask.body', vars)),
          flexText(t('ask.never', vars), { size: 'sm', color: '#666666', margin: 'md' }),
        ],
      },
      footer: {
        type: 'box',
        layout: 'vertical',
        contents: [
          button(t('ask.yes', vars), postbackData.publish('yes', reference), t('ask.yesChosen', vars), true),
          button(t('ask.no', vars), postbackData.publish('no', reference), t('ask.noChosen', vars), false),
        ],
      },
    },
  };
}

/**
 * Only the household itself is asked: the person who reported for their own household, or a family
 * member who follows a case a volunteer reported (its reporter since they sent the household code).
 * A volunteer cannot agree on a family's behalf to show its home.
 */
export function asksPublication(
  record: { reporter: { lineUserId: string }; volunteer?: { lineUserId: string } },
  lineUserId: string,
): boolean {
  return record.reporter.lineUserId === lineUserId && record.volunteer?.lineUserId !== lineUserId;
}

/** Records that the question was asked (once per case: asking again keeps an earlier answer). */
export async function recordPublicationAsked(
  connection: Connection,
  reference: string,
  lineUserId: string,
  language: string,
  at: Date,
): Promise<void> {
  await publicationConsentModel(connection).updateOne(
    { _id: reference },
    {
      $setOnInsert: {
        storyId: randomBytes(9).toString('base64url'),
        lineUserId,
        language,
        status: 'asked',
        askedAt: at,
      },
    },
    { upsert: true },
  );
}

export type PublicationDeps = { connection: Connection; i18n: i18n };

/**
 * Withdrawing the consent to collect (My data) withdraws every story consent too: a story of a
 * person who no longer agrees to us keeping their data would not be one they agreed to.
 */
export async function withdrawPublications(
  connection: Connection,
  lineUserId: string,
  at: Date,
): Promise<void> {
  await publicationConsentModel(connection).updateMany(
    { lineUserId, status: { $in: ['asked', 'given'] } },
    { $set: { status: 'withdrawn', withdrawnAt: at } },
  );
}

/** The answer to a tap: yes, no, or withdraw. Only the household that was asked may answer. */
export async function handlePublicationPostback(
  deps: PublicationDeps,
  data: string,
  userId: string,
  language: string,
  at: Date,
): Promise<messagingApi.Message[]> {
  const t = deps.i18n.getFixedT(language, NS);
  const postback = readPostback(data);
  const { answer, reference } =
    postback?.kind === 'publish' ? postback : { answer: undefined, reference: undefined };
  const consents = publicationConsentModel(deps.connection);
  const consent = reference ? await consents.findById(reference).lean() : null;
  const record = consent
    ? await caseModel(deps.connection)
        .findOne({ reference }, { reporter: 1, status: 1, erasedAt: 1 })
        .lean<{ reporter: { lineUserId: string }; status: string; erasedAt?: Date }>()
    : null;
  if (
    !consent ||
    !record ||
    consent.lineUserId !== userId ||
    record.reporter.lineUserId !== userId ||
    record.erasedAt
  ) {
    return [{ type: 'text', text: t('answer.unknown', { reference }) }];
  }
  if (answer === 'yes') {
    await consents.updateOne(
      { _id: reference },
      { $set: { status: 'given', answeredAt: at, language }, $unset: { withdrawnAt: '' } },
    );
    return [withdrawOffer(t, reference!, t('answer.given', { reference }))];
  }
  if (answer === 'no') {
    await consents.updateOne({ _id: reference }, { $set: { status: 'declined', answeredAt: at, language } });
    return [{ type: 'text', text: t('answer.declined', { reference }) }];
  }
  if (consent.status !== 'given') return [{ type: 'text', text: t('answer.notPublished', { reference }) }];
  await consents.updateOne({ _id: reference }, { $set: { status: 'withdrawn', withdrawnAt: at } });
  return [{ type: 'text', text: t('answer.withdrawn', { reference }) }];
}

/** The thanks, with the way back: one tap withdraws, now or later (the message stays in the chat). */
function withdrawOffer(t: TFunction, reference: string, body: string): messagingApi.FlexMessage {
  return {
    type: 'flex',
    altText: clip(body, 400),
    contents: {
      type: 'bubble',
      body: { type: 'box', layout: 'vertical', contents: [flexText(body)] },
      footer: {
        type: 'box',
        layout: 'vertical',
        contents: [
          button(
            t('answer.withdraw', { reference }),
            postbackData.publish('withdraw', reference),
            t('answer.withdrawChosen'),
            false,
          ),
        ],
      },
    },
  };
}
