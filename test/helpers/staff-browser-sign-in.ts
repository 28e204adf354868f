/** A member of staff signs in the way a person does: the language cookie, email and password, then the TOTP code, in the browser. */
import { translator } from '../../server/lib/i18n';
import { codeFor, type TestAccount } from '../staff/staff-helpers';
import { navigates, type Journey, type Language } from './browser';

export async function signInInBrowser(journey: Journey, baseUrl: string, lang: Language, account: TestAccount): Promise<void> {
  const t = translator(lang);
  const { page } = journey;
  await journey.context.addCookies([{ name: 'qf_lang', value: lang, url: baseUrl }]);
  await page.goto(`${baseUrl}/staff`);
  await page.getByLabel(t('staff.fields.email'), { exact: true }).fill(account.email);
  await page.getByLabel(t('staff.fields.password'), { exact: true }).fill(account.password);
  await navigates(page, () => page.getByRole('button', { name: t('staff.signIn.submit'), exact: true }).click());
  await page.getByLabel(t('staff.fields.code'), { exact: true }).fill(codeFor(account.totpSecret));
  await navigates(page, () => page.getByRole('button', { name: t('staff.code.submit'), exact: true }).click());
}
