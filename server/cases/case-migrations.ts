/** Changes to stored cases that an upgrade of the portal needs once. */
import { Case } from './case.model';
import { caseDecisions } from './case-stages';

/** Cases declined or transferred before cases kept their decision, and not closed since, get it. */
export async function keepDecisionsOfOpenCases(): Promise<void> {
  for (const decision of caseDecisions) {
    await Case.updateMany({ status: decision, decision: null }, { $set: { decision } });
  }
}
