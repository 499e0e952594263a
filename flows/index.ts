import { areaCases } from './area-cases';
import { householdNews } from './household-news';
import { householdQuestions } from './household-questions';
import { householdSurvey } from './household-survey';
import { language } from './language';
import { menu } from './menu';
import { myCases } from './my-cases';
import { myData } from './my-data';
import { reportHousehold } from './report-household';
import { reportNeed } from './report-need';
import { talkToStaff } from './talk-to-staff';
import { volunteerRegister } from './volunteer-register';
import { welcome } from './welcome';

/** Every flow, validated at start by `createEngine`. Order matters for keyword triggers. */
export const allFlows = [
  welcome,
  menu,
  reportNeed,
  reportHousehold,
  householdQuestions,
  myCases,
  myData,
  talkToStaff,
  language,
  areaCases,
  volunteerRegister,
  householdSurvey,
  householdNews,
];
