import express from 'express';
import request from 'supertest';
import { consoleRouter } from '../../src/console/router';

describe('consoleRouter', () => {
  const app = express().use(consoleRouter());

  it('serves the page with a CSP that allows only its own scripts', async () => {
    const res = await request(app).get('/console').expect(200);
    expect(res.type).toBe('text/html');
    expect(res.headers['content-security-policy']).toContain("script-src 'self'");
    expect(res.text).toContain('/console/assets/app.js');
  });

  it('serves its modules and Leaflet locally', async () => {
    await request(app)
      .get('/console/assets/app.js')
      .expect(200)
      .expect('content-type', /javascript/);
    await request(app).get('/console/assets/pages/case.js').expect(200);
    await request(app).get('/console/vendor/leaflet/leaflet.js').expect(200);
  });

  it('gives the strings per language, with the case vocabulary, and refuses others', async () => {
    const th = (await request(app).get('/console/strings/th.json').expect(200)).body;
    const en = (await request(app).get('/console/strings/en.json').expect(200)).body;
    expect(th.auth.signIn).toBe('เข้าสู่ระบบ');
    expect(en.auth.signIn).toBe('Sign in');
    expect(en.vocab.status.reviewing).toBeTruthy();
    await request(app).get('/console/strings/fr.json').expect(404);
  });

  it('gives the lifecycle and the texts of the card the reporter receives', async () => {
    const meta = (await request(app).get('/console/meta.json').expect(200)).body;
    expect(meta.transitions.new).toContain('reviewing');
    expect(meta.transitions.completed).toEqual(['reviewing']);
    expect(meta.transitions.declined).toEqual([]);
    expect(meta.reporterTexts.th.status.reviewing.title).toBeTruthy();
  });

  it("gives a district's subdistricts with their codes, for the campaign form's area", async () => {
    const khaoKho = (await request(app).get('/console/places/6711.json').expect(200)).body;
    expect(khaoKho.subdistricts).toEqual(
      expect.arrayContaining([{ code: '671107', th: 'เข็กน้อย', en: 'Khek Noi' }]),
    );
    // A subdistrict the directory has no code for cannot be sent to the API: not offered.
    expect(khaoKho.subdistricts.every((s: { code: string }) => /^6711\d{2}$/.test(s.code))).toBe(true);
    await request(app).get('/console/places/9999.json').expect(404);
    await request(app).get('/console/places/abc.json').expect(404);
    const meta = (await request(app).get('/console/meta.json').expect(200)).body;
    expect(meta.surveyFlows).toEqual(['household-survey']);
  });
});
