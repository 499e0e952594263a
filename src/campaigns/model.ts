import { Schema, type Connection, type Model } from 'mongoose';
import { modelOn } from '../db/models';

/** A named village of a campaign's area, with how many households it has to survey. */
export type CampaignVillage = { id: string; name: string; target: number };

/** Where a campaign works: a province, and optionally one district and one subdistrict of it (DOPA codes). */
export type CampaignArea = {
  provinceCode: string;
  province: string;
  provinceEn: string;
  districtCode?: string;
  district?: string;
  districtEn?: string;
  subdistrictCode?: string;
  subdistrict?: string;
  subdistrictEn?: string;
};

export type CampaignVolunteer = { volunteerId: string; lineUserId: string };

/**
 * A baseline survey campaign: every household of an area (or of its named villages), surveyed with one
 * flow between two Bangkok calendar dates by the volunteers assigned. It runs while today is within
 * its dates; there is no status to forget to flip.
 */
export type CampaignDoc = {
  _id: string;
  name: string;
  area: CampaignArea;
  villages: CampaignVillage[];
  /** Target when the campaign names no villages (the whole area); the villages' sum otherwise. */
  target: number;
  /** YYYY-MM-DD, Bangkok, both inclusive. */
  startsOn: string;
  endsOn: string;
  flowId: string;
  volunteers: CampaignVolunteer[];
  createdBy: string;
  createdAt: Date;
  updatedAt: Date;
};

export const SURVEY_STATUSES = ['paused', 'completed', 'declined'] as const;
export type SurveyStatus = (typeof SURVEY_STATUSES)[number];

/** The household's agreement, asked at the door for every survey (PDPA s.19, s.25, s.26). */
export type SurveyConsent = {
  noticeVersion: string;
  /** The volunteer confirmed they read the notice to the household. */
  noticeRead: boolean;
  agreed: boolean;
  /** Separate, explicit agreement to record health, disability and ethnicity. */
  sensitive: boolean;
  at: Date;
};

/**
 * One household visit of a campaign, `_id` the chat run that made it (a redelivered event writes it once).
 * `answers` holds the flow's answers as they were confirmed, keyed by the flow's field names: the export
 * makes one column per question from the flow itself. A declined visit keeps no answers at all.
 */
export type SurveyDoc = {
  _id: string;
  campaignId: string;
  villageId: string | null;
  status: SurveyStatus;
  volunteerId: string;
  /** Null once the volunteer erased their data: the household's survey stays, without them. */
  volunteerLineUserId: string | null;
  language: string;
  flowId: string;
  flowVersion: number;
  answers: Record<string, unknown>;
  /** The paused conversation (the engine's run), restored on resume; absent otherwise. */
  run?: Record<string, unknown>;
  consent?: SurveyConsent;
  /** Normalised head name and phone, to flag the same household surveyed again. */
  nameKey?: string;
  phoneKey?: string;
  /** Another survey of the campaign with the same village and name or phone, shown to the volunteer. */
  duplicateOf?: string;
  caseReference?: string;
  /** The Bangkok day the survey was completed (coverage by day). */
  surveyedOn?: string;
  startedAt: Date;
  updatedAt: Date;
  completedAt?: Date;
};

const areaSchema = new Schema<CampaignArea>(
  {
    provinceCode: { type: String, required: true },
    province: { type: String, required: true },
    provinceEn: { type: String, required: true },
    districtCode: String,
    district: String,
    districtEn: String,
    subdistrictCode: String,
    subdistrict: String,
    subdistrictEn: String,
  },
  { _id: false },
);

const campaignSchema = new Schema<CampaignDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    area: { type: areaSchema, required: true },
    villages: {
      type: [new Schema<CampaignVillage>({ id: String, name: String, target: Number }, { _id: false })],
      default: [],
    },
    target: { type: Number, required: true },
    startsOn: { type: String, required: true },
    endsOn: { type: String, required: true },
    flowId: { type: String, required: true },
    volunteers: {
      type: [new Schema<CampaignVolunteer>({ volunteerId: String, lineUserId: String }, { _id: false })],
      default: [],
    },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'campaigns', versionKey: false },
);
campaignSchema.index({ 'volunteers.lineUserId': 1 });
campaignSchema.index({ createdAt: -1 });

const surveySchema = new Schema<SurveyDoc>(
  {
    _id: { type: String, required: true },
    campaignId: { type: String, required: true },
    villageId: { type: String, default: null },
    status: { type: String, enum: SURVEY_STATUSES, required: true },
    volunteerId: { type: String, required: true },
    volunteerLineUserId: { type: String, default: null },
    language: { type: String, required: true },
    flowId: { type: String, required: true },
    flowVersion: { type: Number, required: true },
    answers: { type: Schema.Types.Mixed, default: {} },
    run: { type: Schema.Types.Mixed },
    consent: {
      type: new Schema<SurveyConsent>(
        {
          noticeVersion: String,
          noticeRead: Boolean,
          agreed: Boolean,
          sensitive: Boolean,
          at: Date,
        },
        { _id: false },
      ),
    },
    nameKey: String,
    phoneKey: String,
    duplicateOf: String,
    caseReference: String,
    surveyedOn: String,
    startedAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    completedAt: Date,
  },
  { collection: 'surveys', versionKey: false, minimize: false },
);
surveySchema.index({ campaignId: 1, status: 1 });
surveySchema.index({ volunteerLineUserId: 1, status: 1 });

export type CampaignModels = { Campaign: Model<CampaignDoc>; Survey: Model<SurveyDoc> };

/** Registers the models on this connection (so `Database.ensureIndexes` builds their indexes). */
export function campaignModels(connection: Connection): CampaignModels {
  return {
    Campaign: modelOn(connection, 'Campaign', campaignSchema),
    Survey: modelOn(connection, 'Survey', surveySchema),
  };
}

/** Thailand keeps UTC+7 all year. */
export function bangkokDay(at: Date): string {
  return new Date(at.getTime() + 7 * 3600_000).toISOString().slice(0, 10);
}

/** A campaign runs on the days between its dates, both included (Bangkok calendar). */
export function isRunning(campaign: Pick<CampaignDoc, 'startsOn' | 'endsOn'>, now: Date): boolean {
  const today = bangkokDay(now);
  return campaign.startsOn <= today && today <= campaign.endsOn;
}
