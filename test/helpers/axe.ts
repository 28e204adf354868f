/** axe on a page in Chromium, against WCAG 2.2 AA: the violations as "rule: targets", refusing a run that checked almost nothing. */
import AxeBuilder from '@axe-core/playwright';
import type { Page } from 'playwright-core';

export const wcagTags = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

export async function axeViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).withTags(wcagTags).analyze();
  if (results.passes.length < 10) throw new Error('axe checked almost nothing');
  return results.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
}
