import request from 'supertest';
import {
  startSandboxService,
  stopSandboxService,
  tappable,
  textOf,
  type SandboxService,
} from '../e2e/harness';
import { ADMIN, press, staffToken, volunteer } from './survey-helpers';

jest.setTimeout(120_000);

/** "สำรวจครัวเรือน" typed where a volunteer types it: with the menu or nothing on screen. */
describe('the survey words typed', () => {
  let service: SandboxService;
  let campaignId = '';
  let nou: Awaited<ReturnType<typeof volunteer>>;

  beforeAll(async () => {
    service = await startSandboxService('surveywords', ADMIN);
    const token = await staffToken(service);
    nou = await volunteer(service, 'th', 'vol-words');
    const created = await request(service.url)
      .post('/api/campaigns')
      .set('Authorization', `Bearer ${token}`)
      .send({
        name: 'Khao Kho baseline',
        area: { provinceCode: '67', districtCode: '6711', subdistrictCode: '671107' },
        villages: [{ name: 'Ban Khek Noi', target: 3 }],
        startsOn: '2020-01-01',
        endsOn: '2099-12-31',
        volunteerIds: ['vol-words'],
      })
      .expect(201);
    campaignId = created.body.id;
  });
  afterAll(() => stopSandboxService(service));

  it('start the survey while the menu is on screen, not "not an option"', async () => {
    await press(nou, 'cmd:menu');
    await nou.say('สำรวจครัวเรือน');
    const shown = nou.received.slice(-2).map(textOf).join('\n');
    expect(shown).not.toContain('ไม่พบคำตอบนี้ในตัวเลือก');
    expect(tappable(nou.last()).data).toContain(`survey:v:${campaignId}:v1`);
    // The menu's question is gone: a village tapped starts the survey.
    await nou.tap(`survey:v:${campaignId}:v1`);
    expect(tappable(nou.last()).data).toContain('a:notice_read:yes');
  });
});
