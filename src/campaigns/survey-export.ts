import type { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import type { TFunction } from 'i18next';
import { csvCell, neutralised } from '../case-api/exports';
import type { Flow } from '../conversation';
import type { CampaignDoc, SurveyDoc } from './model';

type Cell = string | number | null;
type Column = { header: string; hxl: string; value: (survey: SurveyDoc) => Cell };

/** HXL hashtags where a core one fits; the rest are `#indicator` with the question as attributes. */
const HXL: Record<string, string> = {
  respondent: '#respondee+type',
  headName: '#contact+name+head',
  phone: '#contact+phone',
  headWoman: '#respondee+head+female',
  members: '#population+total',
  children: '#population+children',
  photos: '#meta+photos',
};
const attribute = (field: string) => field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const hxlOf = (field: string) => HXL[field] ?? `#indicator+${attribute(field)}`;
/** Answers that are the survey's frame, not questions, or whose column would repeat another. */
const NOT_COLUMNS = new Set([
  'campaignId',
  'villageId',
  'noticeRead',
  'householdConsent',
  'sensitiveConsent',
]);

/**
 * `none` is the code of a multiple choice's "none of these" option (stored as no selection), so that
 * "none" is told apart from a question not answered.
 */
function answerCell(value: unknown, none?: string): Cell {
  if (value === undefined || value === null) return null;
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return value;
  // Several choices as KoboToolbox writes a select_multiple: codes separated by spaces.
  if (Array.isArray(value)) return value.length === 0 && none ? none : value.map(String).join(' ');
  if (typeof value === 'object' && 'typed' in value) return String((value as { typed: unknown }).typed);
  return String(value);
}

/**
 * Who surveyed, as the export shows it: the volunteer's name for those who may read volunteers' names,
 * otherwise "Volunteer 1", "Volunteer 2"… in the order of their first survey here (the same words as the
 * console's), which later surveys do not change. An erased volunteer is no one.
 */
export function volunteerLabels(
  surveys: Pick<SurveyDoc, 'volunteerId'>[],
  names: Map<string, string> | undefined,
  t: TFunction,
): (survey: Pick<SurveyDoc, 'volunteerId'>) => string | null {
  const order = new Map<string, number>();
  for (const { volunteerId } of surveys)
    if (volunteerId !== 'erased' && !order.has(volunteerId)) order.set(volunteerId, order.size + 1);
  return ({ volunteerId }) => {
    const n = order.get(volunteerId);
    if (n === undefined) return null;
    return names?.get(volunteerId) ?? t('console:campaigns.page.unnamedVolunteer', { n });
  };
}

/**
 * One column per question of the survey flow, in the flow's order, with the flow's own label as the
 * header and the answer's code as the value (KoboToolbox-style), then an HXL hashtag row. The place is
 * two columns (latitude, longitude); photos are counted.
 */
export function surveyColumns(
  flow: Flow,
  campaign: CampaignDoc,
  t: TFunction,
  volunteer: (survey: SurveyDoc) => string | null,
): Column[] {
  const village = new Map(campaign.villages.map((v) => [v.id, v.name]));
  const columns: Column[] = [
    { header: 'survey_id', hxl: '#meta+id', value: (s) => s._id },
    {
      header: t('survey:export.village'),
      hxl: '#loc+village',
      value: (s) => (s.villageId ? (village.get(s.villageId) ?? s.villageId) : null),
    },
    { header: t('survey:export.volunteer'), hxl: '#meta+volunteer', value: volunteer },
    { header: t('survey:export.surveyed_on'), hxl: '#date+surveyed', value: (s) => s.surveyedOn ?? null },
    {
      header: t('survey:export.notice_version'),
      hxl: '#meta+consent+notice',
      value: (s) => s.consent?.noticeVersion ?? null,
    },
    {
      header: t('survey:export.sensitive_consent'),
      hxl: '#meta+consent+sensitive',
      value: (s) => (s.consent?.sensitive ? 'yes' : 'no'),
    },
  ];
  for (const step of Object.values(flow.steps)) {
    if (step.kind !== 'ask' || NOT_COLUMNS.has(step.store)) continue;
    const header = step.label ? t(step.label) : step.store;
    if (step.answer.type === 'location') {
      const point = (s: SurveyDoc) =>
        s.answers[step.store] as { lat?: number; lng?: number; typed?: string } | undefined;
      columns.push(
        { header: `${header} (lat)`, hxl: '#geo+lat', value: (s) => point(s)?.lat ?? null },
        { header: `${header} (lon)`, hxl: '#geo+lon', value: (s) => point(s)?.lng ?? null },
        { header: `${header} (text)`, hxl: '#loc+address', value: (s) => point(s)?.typed ?? null },
      );
      continue;
    }
    if (step.answer.type === 'photos') {
      columns.push({
        header,
        hxl: hxlOf(step.store),
        value: (s) =>
          Array.isArray(s.answers[step.store]) ? (s.answers[step.store] as unknown[]).length : 0,
      });
      continue;
    }
    const none =
      step.answer.type === 'choice' && step.answer.multiple
        ? step.answer.options.find((o) => o.exclusive)?.value
        : undefined;
    columns.push({ header, hxl: hxlOf(step.store), value: (s) => answerCell(s.answers[step.store], none) });
  }
  columns.push(
    { header: t('survey:export.duplicate_of'), hxl: '#meta+duplicate', value: (s) => s.duplicateOf ?? null },
    { header: t('survey:export.case'), hxl: '#meta+case', value: (s) => s.caseReference ?? null },
  );
  return columns;
}

export async function writeSurveyCsv(out: Writable, columns: Column[], surveys: SurveyDoc[]): Promise<void> {
  const lines = [
    `\uFEFF${columns.map((c) => csvCell(c.header)).join(',')}`,
    columns.map((c) => c.hxl).join(','),
    ...surveys.map((s) => columns.map((c) => csvCell(c.value(s))).join(',')),
  ];
  out.end(`${lines.join('\r\n')}\r\n`);
}

export async function writeSurveyXlsx(out: Writable, columns: Column[], surveys: SurveyDoc[]): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: out,
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('surveys');
  sheet.addRow(columns.map((c) => c.header)).commit();
  sheet.addRow(columns.map((c) => c.hxl)).commit();
  for (const s of surveys) sheet.addRow(columns.map((c) => neutralised(c.value(s)))).commit();
  sheet.commit();
  await workbook.commit();
}
