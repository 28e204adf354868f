/**
 * After a wrong code the page says how many lookups this browser has left.
 * That figure is the client's own: the site-wide limit must not show through
 * it, nor through the response's rate-limit headers, or anyone could read how
 * many lookups the whole site has had this hour.
 */
import { translator } from '../../server/lib/i18n';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { lookUp } from '../helpers/tracking';

const { app } = buildTestApp({ TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: '30', TRACK_LOOKUPS_PER_HOUR_SITE: '12' });
const t = translator('zh');

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

describe('tries left after a wrong code', () => {
  it('when the site-wide limit is closer than the client’s, then the page gives the client’s own tries left and no header gives the site’s', async () => {
    const page = await lookUp(browser(app), '12345678901234567890');
    expect(page.text).toContain(t('tracking.lookup.notFound'));
    expect(page.text).toContain(t('trackPage.triesLeft', { count: 29 }));
    expect(page.text).not.toContain(t('trackPage.triesLeft', { count: 11 }));
    const headers = Object.entries(page.headers).filter(([name]) => name.toLowerCase().startsWith('ratelimit')).map(([, value]) => String(value));
    expect(headers.join(' ')).not.toMatch(/\br=11\b|remaining="?11\b|\b12\b/);
  });
});
