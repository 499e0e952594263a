export { ALIAS, MENU_LAYOUTS, type MenuLayout } from './layouts';
export {
  buildRichMenuDefinitions,
  loadRichMenuImages,
  IMAGES_DIR,
  type RichMenuDefinition,
  type RichMenuImage,
} from './definitions';
export {
  deployRichMenus,
  formatDeploySummary,
  RichMenuDeployError,
  type DeployOptions,
  type DeploySummary,
} from './deploy';
export { linkVolunteerMenu, unlinkVolunteerMenu, richMenuIdOfAlias } from './volunteer-menu';
export { MENU_KEYS, type MenuKey } from './layouts';
export {
  forgetMenuLink,
  menuLinkModel,
  recordedMenu,
  showMenu,
  usersShown,
  type MenuLinkDoc,
} from './menu-links';
