/**
 * The case view held in the browser after adding information (GET
 * /track/case) opens the case with its code, an argon2id each time: its
 * reloads count toward the same per-client limit as lookups, so a held view
 * is no free way to load the server.
 */
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { addFormFields, lookUpOk } from '../helpers/tracking';
import { newCase } from '../voice/voice-helpers';

const { app } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '100', TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '6' });

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
});
afterAll(dropTestDatabase);

describe('reloading the held case view', () => {
  it('when the view is reloaded past the lookup limit, then it is refused with 429 like a lookup', async () => {
    const { code } = await newCase(app);
    const agent = browser(app);
    const fields = addFormFields((await lookUpOk(agent, code)).text);
    const added = await agent.post(`/track/add?_csrf=${encodeURIComponent(fields.csrf)}`).field('_csrf', fields.csrf).field('code', code).field('message', '补充：窗口今天仍未受理。');
    expect(added.status).toBe(303);
    const statuses: number[] = [];
    for (let reload = 0; reload < 6; reload += 1) statuses.push((await agent.get('/track/case')).status);
    expect(statuses[0]).toBe(200);
    expect(statuses).toContain(429);
  });
});
