/**
 * "A case changed": the one call every writer of a case makes after storing
 * it or moving it, so that whatever lists or counts cases hears of it.
 */
import { figuresOfCase, encodeMonthCases, type CaseLike } from './case-figures';
import { CaseChange, markDirty } from './case-change.model';

export async function recordCaseChange(state: CaseLike): Promise<void> {
  const figures = figuresOfCase(state);
  try {
    await CaseChange.create({ month: figures.month, line: encodeMonthCases(new Map([[figures.id, figures]])) });
  } catch {
    // The case itself is stored: its month is recounted later rather than failing the request.
    await markDirty(figures.month, 'failed').catch(() => undefined);
  }
}
