import type { Connection } from 'mongoose';
import { mediaModels } from '../media/models';
import { campaignModels, type CampaignDoc } from './model';
import { deleteSurveyMedia, surveyMediaMark } from './survey-media';

/**
 * A volunteer's erasure (PDPA), the survey side: surveys they paused are unconfirmed and go with their
 * photos; surveys they completed or a visit declined are the households' data and stay, without the
 * volunteer (as their household reports do); campaigns no longer list them. Returns the photos that
 * stay with the households, so the volunteer's own files are erased around them.
 */
export async function forgetVolunteerInSurveys(
  connection: Connection,
  lineUserId: string,
): Promise<{ pausedDeleted: number; keptMedia: string[] }> {
  const { Campaign, Survey } = campaignModels(connection);
  const paused = await Survey.find({ volunteerLineUserId: lineUserId, status: 'paused' }, { _id: 1 }).lean();
  for (const survey of paused) {
    await deleteSurveyMedia(connection, survey._id);
    await Survey.deleteOne({ _id: survey._id, status: 'paused' });
  }
  const kept = await Survey.find({ volunteerLineUserId: lineUserId }, { _id: 1 }).lean();
  const keptMedia = kept.length
    ? (
        await mediaModels(connection)
          .Media.find({ caseReference: { $in: kept.map((s) => surveyMediaMark(s._id)) } }, { _id: 1 })
          .lean()
      ).map((m) => m._id)
    : [];
  await Survey.updateMany(
    { volunteerLineUserId: lineUserId },
    { $set: { volunteerLineUserId: null, volunteerId: 'erased' } },
  );
  // Whole-array rewrite: FerretDB does not apply $pull with a sub-document condition.
  for (const campaign of await Campaign.find({ 'volunteers.lineUserId': lineUserId }).lean<CampaignDoc[]>())
    await Campaign.updateOne(
      { _id: campaign._id },
      { $set: { volunteers: campaign.volunteers.filter((v) => v.lineUserId !== lineUserId) } },
    );
  return { pausedDeleted: paused.length, keptMedia };
}
