/** A member of staff signs in the way a person does, in the browser: email and password, then the TOTP code. */
import type { Page } from 'playwright-core';
import { translator } from '../../server/lib/i18n';
import { codeFor, type TestAccount } from '../staff/staff-helpers';
import { navigates, type Journey, type Language } from './browser';

/** In a journey of its own: the language cookie first, then the sign-in page in that language. */
export async function signInInBrowser(journey: Journey, baseUrl: string, lang: Language, account: TestAccount): Promise<void> {
  await journey.context.addCookies([{ name: 'qf_lang', value: lang, url: baseUrl }]);
  await journey.page.goto(`${baseUrl}/staff`);
  await enterCredentials(journey.page, lang, account);
}

/** On a page already open, in the portal's default language (Chinese) unless told otherwise. */
export async function signInOnPage(page: Page, baseUrl: string, account: TestAccount, lang: Language = 'zh'): Promise<void> {
  await navigates(page, () => page.goto(`${baseUrl}/staff`));
  await enterCredentials(page, lang, account);
}

async function enterCredentials(page: Page, lang: Language, account: TestAccount): Promise<void> {
  const t = translator(lang);
  await page.getByLabel(t('staff.fields.email'), { exact: true }).fill(account.email);
  await page.getByLabel(t('staff.fields.password'), { exact: true }).fill(account.password);
  await navigates(page, () => page.getByRole('button', { name: t('staff.signIn.submit'), exact: true }).click());
  await page.getByLabel(t('staff.fields.code'), { exact: true }).fill(codeFor(account.totpSecret));
  await navigates(page, () => page.getByRole('button', { name: t('staff.code.submit'), exact: true }).click());
}
