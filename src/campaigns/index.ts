export { campaignModels, isRunning, type CampaignDoc, type SurveyDoc } from './model';
export { campaignRouter, type CampaignRouterDeps } from './router';
export { surveyChatHook, surveyPostback, type SurveyChatDeps } from './survey-chat';
export { performSurveyEffect, type SurveyEffectDeps } from './survey-effects';
export { forgetVolunteerInSurveys } from './erase';
export { menuFor, type MenuSubject } from './menu-choice';
export { reconcileMenu, reconcileMenus, syncCampaignMenus, type MenuSyncDeps } from './volunteer-menus';
export { deleteSurvey, purgeOldSurveys, SURVEY_RETENTION_MAX_DAYS } from './survey-removal';
