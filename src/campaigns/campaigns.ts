import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { PublicError } from '../errors';
import { loadAddressDirectory } from '../geo/address-directory';
import { volunteerModels, type VolunteerDoc } from '../volunteers';
import {
  bangkokDay,
  campaignModels,
  isRunning,
  type CampaignArea,
  type CampaignDoc,
  type CampaignVillage,
} from './model';
import type { CampaignView, CreateCampaignBody, UpdateCampaignBody } from './schemas';
import { inScope, scopeFilter, type CampaignScope } from './scope';

const notFound = () => new PublicError(404, 'campaign_not_found', 'No campaign with this id.');

/** The area's names from its DOPA codes; a code that does not sit under its parent is refused. */
export async function resolveArea(input: CreateCampaignBody['area']): Promise<CampaignArea> {
  const directory = await loadAddressDirectory();
  const unknown = (field: string) =>
    new PublicError(400, 'unknown_area', `No such ${field} in Thailand's address directory.`, { field });
  const province = directory.province(input.provinceCode);
  if (!province) throw unknown('provinceCode');
  const area: CampaignArea = {
    provinceCode: province.code,
    province: province.nameTh,
    provinceEn: province.nameEn,
  };
  if (!input.districtCode) return area;
  const district = province.districts.find((d) => d.code === input.districtCode);
  if (!district) throw unknown('districtCode');
  Object.assign(area, {
    districtCode: input.districtCode,
    district: district.nameTh,
    districtEn: district.nameEn,
  });
  if (!input.subdistrictCode) return area;
  const subdistrict = district.subdistricts.find((s) => s.code === input.subdistrictCode);
  if (!subdistrict) throw unknown('subdistrictCode');
  return {
    ...area,
    subdistrictCode: input.subdistrictCode,
    subdistrict: subdistrict.nameTh,
    subdistrictEn: subdistrict.nameEn,
  };
}

/** Only approved volunteers are assigned; each once. */
async function assignedVolunteers(connection: Connection, ids: string[]) {
  const unique = [...new Set(ids)];
  if (unique.length === 0) return [];
  const found = await volunteerModels(connection)
    .Volunteer.find({ _id: { $in: unique } }, { _id: 1, lineUserId: 1, status: 1 })
    .lean<Pick<VolunteerDoc, '_id' | 'lineUserId' | 'status'>[]>();
  const active = new Map(found.filter((v) => v.status === 'active').map((v) => [v._id, v.lineUserId]));
  const refused = unique.filter((id) => !active.has(id));
  if (refused.length > 0)
    throw new PublicError(409, 'volunteer_not_active', 'Only approved volunteers can be assigned.', {
      volunteerIds: refused,
    });
  return unique.map((volunteerId) => ({ volunteerId, lineUserId: active.get(volunteerId)! }));
}

/** Villages keep their ids across edits (surveys name them); new ones take the next free number. */
function numberVillages(
  input: { id?: string; name: string; target: number }[],
  existing: CampaignVillage[] = [],
): CampaignVillage[] {
  let next = existing.reduce((max, v) => Math.max(max, Number(v.id.slice(1))), 0);
  return input.map((v) => {
    const kept = v.id && existing.some((e) => e.id === v.id) ? v.id : undefined;
    return { id: kept ?? `v${++next}`, name: v.name, target: v.target };
  });
}

const totalTarget = (villages: CampaignVillage[], target: number | undefined) =>
  villages.length > 0 ? villages.reduce((sum, v) => sum + v.target, 0) : (target ?? 0);

export function createCampaigns(connection: Connection, clock: () => Date) {
  const { Campaign, Survey } = campaignModels(connection);

  async function load(id: string, scope: CampaignScope): Promise<CampaignDoc> {
    const campaign = await Campaign.findById(id).lean<CampaignDoc>();
    // Out of scope reads as absent: nobody learns which campaigns exist elsewhere.
    if (!campaign || !inScope(scope, campaign)) throw notFound();
    return campaign;
  }

  return {
    load,

    async list(scope: CampaignScope): Promise<CampaignDoc[]> {
      return Campaign.find(scopeFilter(scope)).sort({ createdAt: -1 }).limit(500).lean<CampaignDoc[]>();
    },

    async create(body: CreateCampaignBody, scope: CampaignScope, actorId: string): Promise<CampaignDoc> {
      const area = await resolveArea(body.area);
      if (!inScope(scope, { area }))
        throw new PublicError(403, 'outside_scope', 'This area is outside your provinces.');
      const villages = numberVillages(body.villages);
      const now = clock();
      const doc: CampaignDoc = {
        _id: `cmp-${randomBytes(6).toString('hex')}`,
        name: body.name,
        area,
        villages,
        target: totalTarget(villages, body.target),
        startsOn: body.startsOn,
        endsOn: body.endsOn,
        flowId: body.flowId,
        volunteers: await assignedVolunteers(connection, body.volunteerIds),
        createdBy: actorId,
        createdAt: now,
        updatedAt: now,
      };
      await Campaign.create(doc);
      return doc;
    },

    async update(id: string, body: UpdateCampaignBody, scope: CampaignScope): Promise<CampaignDoc> {
      const current = await load(id, scope);
      const startsOn = body.startsOn ?? current.startsOn;
      const endsOn = body.endsOn ?? current.endsOn;
      if (startsOn > endsOn)
        throw new PublicError(400, 'invalid_request', 'The campaign would end before it starts.');
      const villages = body.villages ? numberVillages(body.villages, current.villages) : current.villages;
      const removed = current.villages.filter((v) => !villages.some((kept) => kept.id === v.id));
      if (removed.length > 0) {
        const surveyed = await Survey.countDocuments({
          campaignId: id,
          villageId: { $in: removed.map((v) => v.id) },
        });
        if (surveyed > 0)
          throw new PublicError(409, 'village_has_surveys', 'A village with surveys cannot be removed.');
      }
      const set: Partial<CampaignDoc> = {
        ...(body.name ? { name: body.name } : {}),
        startsOn,
        endsOn,
        villages,
        target: totalTarget(villages, body.target ?? current.target),
        ...(body.volunteerIds ? { volunteers: await assignedVolunteers(connection, body.volunteerIds) } : {}),
        updatedAt: clock(),
      };
      await Campaign.updateOne({ _id: id }, { $set: set });
      return load(id, scope);
    },
  };
}

export type Campaigns = ReturnType<typeof createCampaigns>;

/** The volunteers' names, for those who may read them. */
export async function volunteerNames(connection: Connection, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const found = await volunteerModels(connection)
    .Volunteer.find({ _id: { $in: ids } }, { _id: 1, name: 1 })
    .lean<Pick<VolunteerDoc, '_id' | 'name'>[]>();
  return new Map(found.map((v) => [v._id, v.name]));
}

/** Upcoming, running or ended: from its dates alone. */
export function campaignStatus(
  campaign: Pick<CampaignDoc, 'startsOn' | 'endsOn'>,
  now: Date,
): CampaignView['status'] {
  if (isRunning(campaign, now)) return 'running';
  return bangkokDay(now) < campaign.startsOn ? 'upcoming' : 'ended';
}

export function presentCampaign(campaign: CampaignDoc, now: Date, names?: Map<string, string>): CampaignView {
  return {
    id: campaign._id,
    name: campaign.name,
    area: campaign.area,
    villages: campaign.villages.map(({ id, name, target }) => ({ id, name, target })),
    target: campaign.target,
    startsOn: campaign.startsOn,
    endsOn: campaign.endsOn,
    flowId: campaign.flowId,
    running: isRunning(campaign, now),
    status: campaignStatus(campaign, now),
    volunteers: campaign.volunteers.map((v) => ({
      volunteerId: v.volunteerId,
      name: names?.get(v.volunteerId) ?? null,
    })),
    createdAt: campaign.createdAt.toISOString(),
    updatedAt: campaign.updatedAt.toISOString(),
  };
}
