import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/models';

/**
 * A household's answer to "may we show your home's story on the public page?", asked in the chat
 * when their case is completed. Separate from the consent to collect (PDPA s.19: not a condition of
 * the service), one per case, `_id` the case reference. Only `given` publishes; a withdrawal takes
 * the story off at once (the public page reads this on every request). `storyId` is what the public
 * sees instead of the case reference. Deleted with the person's data when they erase it.
 */
export const PUBLICATION_STATUSES = ['asked', 'given', 'declined', 'withdrawn'] as const;
export type PublicationStatus = (typeof PUBLICATION_STATUSES)[number];

export type PublicationConsentDoc = {
  _id: string;
  storyId: string;
  lineUserId: string;
  language: string;
  status: PublicationStatus;
  askedAt: Date;
  answeredAt?: Date;
  withdrawnAt?: Date;
};

const schema = new Schema<PublicationConsentDoc>(
  {
    _id: { type: String, required: true },
    storyId: { type: String, required: true },
    lineUserId: { type: String, required: true },
    language: { type: String, required: true },
    status: { type: String, enum: PUBLICATION_STATUSES, required: true },
    askedAt: { type: Date, required: true },
    answeredAt: Date,
    withdrawnAt: Date,
  },
  { versionKey: false, collection: 'publication_consents' },
);
schema.index({ status: 1 });
schema.index({ storyId: 1 }, { unique: true });
schema.index({ lineUserId: 1 });

export type PublicationConsentModel = Model<PublicationConsentDoc>;

export function publicationConsentModel(connection: Connection): PublicationConsentModel {
  return modelOn<PublicationConsentDoc>(connection, 'PublicationConsent', schema);
}
