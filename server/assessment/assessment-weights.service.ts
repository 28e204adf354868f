/**
 * The weights in force: each indicator's stored weight, or its default when
 * none was stored (an indicator added later starts at its default). Every
 * change is audited with the weights before and after.
 */
import { recordAudit } from '../audit/audit.service';
import { weightedIndicators } from './assessment-indicators';
import type { Weights } from './assessment-score';
import { AssessmentSettings, weightsId } from './assessment-weights.model';

export async function assessmentWeights(): Promise<Weights> {
  const stored = ((await AssessmentSettings.findById(weightsId).lean())?.weights ?? {}) as Record<string, unknown>;
  return Object.fromEntries(weightedIndicators.map((indicator) => {
    const value = stored[indicator.weightKey];
    return [indicator.weightKey, typeof value === 'number' ? value : indicator.defaultWeight];
  }));
}

export async function setAssessmentWeights(next: Weights, actorId: string): Promise<void> {
  const before = await assessmentWeights();
  const weights = Object.fromEntries(weightedIndicators.map((indicator) => [indicator.weightKey, next[indicator.weightKey]]));
  await AssessmentSettings.replaceOne({ _id: weightsId }, { weights }, { upsert: true });
  const changed = weightedIndicators.map((indicator) => indicator.weightKey).filter((key) => before[key] !== weights[key]);
  await recordAudit({
    actor: actorId,
    action: 'assessment.weightsChanged',
    details: { ...Object.fromEntries(changed.map((key) => [`${key}Before`, before[key]])), ...weights, changed },
  });
}
