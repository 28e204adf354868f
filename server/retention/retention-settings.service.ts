/**
 * The retention periods in force: the administrators' choice if they made
 * one, else RETENTION_MONTHS. Read by _id (one document). Changes are audited.
 */
import { recordAudit } from '../audit/audit.service';
import { RetentionSettings } from './retention.model';
import { parseRetentionMonths, retentionClasses, type RetentionMonths } from './retention-rules';

const rulesId = 'rules';
let defaults = { months: parseRetentionMonths(''), codeExpiryMonths: 24 };

/** From the configuration, once at start (app.ts). */
export function setRetentionDefaults(config: { months: string; codeExpiryMonths: number }): void {
  defaults = { months: parseRetentionMonths(config.months), codeExpiryMonths: config.codeExpiryMonths };
}

export interface RetentionRules {
  months: RetentionMonths;
  codeExpiryMonths: number;
  changed: boolean;
}

export async function retentionRules(): Promise<RetentionRules> {
  const stored = await RetentionSettings.findById(rulesId).lean();
  if (!stored) return { ...defaults, months: { ...defaults.months }, changed: false };
  return { months: { ...defaults.months, ...(stored.months as Partial<RetentionMonths>) }, codeExpiryMonths: stored.codeExpiryMonths ?? defaults.codeExpiryMonths, changed: true };
}

export async function setRetentionRules(rules: { months: RetentionMonths; codeExpiryMonths: number }, actorId: string): Promise<void> {
  const before = await retentionRules();
  await RetentionSettings.updateOne({ _id: rulesId }, { $set: { months: rules.months, codeExpiryMonths: rules.codeExpiryMonths } }, { upsert: true });
  const changed = retentionClasses.filter((name) => before.months[name] !== rules.months[name]);
  await recordAudit({
    actor: actorId,
    action: 'retention.rulesChanged',
    details: { ...Object.fromEntries(retentionClasses.map((name) => [name, rules.months[name]])), codeExpiryMonths: rules.codeExpiryMonths, changed },
  });
}
