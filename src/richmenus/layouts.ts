import { postbackData, SURVEY_START } from '../conversation/postback';
import type { messagingApi } from '@line/bot-sdk';

export type IconName =
  | 'house-plus'
  | 'folder'
  | 'chat'
  | 'globe'
  | 'shield'
  | 'household'
  | 'map-pin'
  | 'clipboard'
  | 'checklist'
  | 'switch';

export type Bounds = { x: number; y: number; width: number; height: number };

export type Tile = {
  /** i18next key (namespace richmenu) of the label drawn on the image. */
  label: string;
  icon: IconName;
  /** Tile background; white text on it must stay above WCAG AA contrast (4.5:1). */
  color: string;
  bounds: Bounds;
  action: messagingApi.Action;
};

export type MenuLayout = {
  key: MenuKey;
  aliasId: string;
  /** The menu every user sees unless one is linked to them. */
  isDefault: boolean;
  size: { width: number; height: number };
  /** i18next key of the chat bar text (<= 14 characters). */
  chatBar: string;
  tiles: Tile[];
};

/** The menus a user may have: the default (resident), or one linked to them (src/richmenus/menu-links.ts). */
export const MENU_KEYS = ['resident', 'volunteer', 'volunteer-survey'] as const;
export type MenuKey = (typeof MENU_KEYS)[number];

export const ALIAS = {
  resident: 'needline-resident',
  volunteer: 'needline-volunteer',
  'volunteer-survey': 'needline-volunteer-survey',
} as const satisfies Record<MenuKey, string>;

const WIDTH = 2500;
const HEIGHT = 1686;
const ROW = HEIGHT / 2;
const THIRD = [
  { x: 0, width: 833 },
  { x: 833, width: 834 },
  { x: 1667, width: 833 },
];

const QUARTER = [
  { x: 0, width: 625 },
  { x: 625, width: 625 },
  { x: 1250, width: 625 },
  { x: 1875, width: 625 },
];

const cell = (column: number, row: number): Bounds => ({ ...THIRD[column]!, y: row * ROW, height: ROW });
const quarter = (column: number, row: number): Bounds => ({ ...QUARTER[column]!, y: row * ROW, height: ROW });

const postback = (data: string): messagingApi.PostbackAction => ({ type: 'postback', data });

/** Colours: dark enough for white text and white line icons (all >= 7:1 against white). */
const COLOR = {
  report: '#0B5D2E',
  cases: '#1F4E99',
  staff: '#7A2E0E',
  language: '#37474F',
  about: '#4A2C7A',
  area: '#005F66',
  survey: '#8E1B5C',
} as const;

export const RESIDENT_LAYOUT: MenuLayout = {
  key: 'resident',
  aliasId: ALIAS.resident,
  isDefault: true,
  size: { width: WIDTH, height: HEIGHT },
  chatBar: 'richmenu:resident.chat_bar',
  tiles: [
    {
      label: 'richmenu:resident.report_need',
      icon: 'house-plus',
      color: COLOR.report,
      bounds: { x: 0, y: 0, width: 1250, height: ROW },
      action: postback(postbackData.flow('report-need')),
    },
    {
      label: 'richmenu:resident.my_cases',
      icon: 'folder',
      color: COLOR.cases,
      bounds: { x: 1250, y: 0, width: 1250, height: ROW },
      action: postback(postbackData.flow('my-cases')),
    },
    {
      label: 'richmenu:resident.staff',
      icon: 'chat',
      color: COLOR.staff,
      bounds: cell(0, 1),
      action: postback(postbackData.flow('talk-to-staff')),
    },
    {
      label: 'richmenu:resident.language',
      icon: 'globe',
      color: COLOR.language,
      bounds: cell(1, 1),
      action: postback(postbackData.flow('language')),
    },
    {
      // my-data shows the PDPA notice to those without consent, and see/withdraw/delete to the rest.
      label: 'richmenu:resident.about',
      icon: 'shield',
      color: COLOR.about,
      bounds: cell(2, 1),
      action: postback(postbackData.flow('my-data')),
    },
  ],
};

export const VOLUNTEER_LAYOUT: MenuLayout = {
  key: 'volunteer',
  aliasId: ALIAS.volunteer,
  isDefault: false,
  size: { width: WIDTH, height: HEIGHT },
  chatBar: 'richmenu:volunteer.chat_bar',
  tiles: [
    {
      label: 'richmenu:volunteer.report_household',
      icon: 'household',
      color: COLOR.report,
      bounds: cell(0, 0),
      action: postback(postbackData.flow('report-household')),
    },
    {
      label: 'richmenu:volunteer.area_cases',
      icon: 'map-pin',
      color: COLOR.area,
      bounds: cell(1, 0),
      action: postback(postbackData.flow('area-cases')),
    },
    {
      label: 'richmenu:volunteer.my_reports',
      icon: 'clipboard',
      color: COLOR.cases,
      bounds: cell(2, 0),
      action: postback(postbackData.flow('my-cases')),
    },
    {
      label: 'richmenu:volunteer.staff',
      icon: 'chat',
      color: COLOR.staff,
      bounds: cell(0, 1),
      action: postback(postbackData.flow('talk-to-staff')),
    },
    {
      label: 'richmenu:volunteer.language',
      icon: 'globe',
      color: COLOR.language,
      bounds: cell(1, 1),
      action: postback(postbackData.flow('language')),
    },
    {
      // LINE switches the menu itself; the postback it also sends carries params.newRichMenuAliasId.
      label: 'richmenu:volunteer.to_resident',
      icon: 'switch',
      color: COLOR.about,
      bounds: cell(2, 1),
      action: {
        type: 'richmenuswitch',
        richMenuAliasId: ALIAS.resident,
        data: postbackData.richMenuSwitch('resident'),
      },
    },
  ],
};

const tileOf = (layout: MenuLayout, label: string): Tile =>
  layout.tiles.find((tile) => tile.label === label)!;

/**
 * The volunteer menu while they are assigned to a campaign that runs today (src/campaigns/volunteer-menus.ts
 * links it): "Survey a household" first, then the volunteer menu's own tiles, the lower row in quarters.
 */
export const VOLUNTEER_SURVEY_LAYOUT: MenuLayout = {
  key: 'volunteer-survey',
  aliasId: ALIAS['volunteer-survey'],
  isDefault: false,
  size: { width: WIDTH, height: HEIGHT },
  chatBar: 'richmenu:volunteer.chat_bar',
  tiles: [
    {
      label: 'richmenu:volunteer.survey',
      icon: 'checklist',
      color: COLOR.survey,
      bounds: cell(0, 0),
      action: postback(SURVEY_START),
    },
    { ...tileOf(VOLUNTEER_LAYOUT, 'richmenu:volunteer.report_household'), bounds: cell(1, 0) },
    { ...tileOf(VOLUNTEER_LAYOUT, 'richmenu:volunteer.area_cases'), bounds: cell(2, 0) },
    { ...tileOf(VOLUNTEER_LAYOUT, 'richmenu:volunteer.my_reports'), bounds: quarter(0, 1) },
    { ...tileOf(VOLUNTEER_LAYOUT, 'richmenu:volunteer.staff'), bounds: quarter(1, 1) },
    { ...tileOf(VOLUNTEER_LAYOUT, 'richmenu:volunteer.language'), bounds: quarter(2, 1) },
    { ...tileOf(VOLUNTEER_LAYOUT, 'richmenu:volunteer.to_resident'), bounds: quarter(3, 1) },
  ],
};

export const MENU_LAYOUTS: MenuLayout[] = [RESIDENT_LAYOUT, VOLUNTEER_LAYOUT, VOLUNTEER_SURVEY_LAYOUT];
