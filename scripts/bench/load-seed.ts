/**
 * What the staff part of the load benchmark needs in the database: many
 * cases for the queue, written directly (the queue reads only clear fields,
 * so sealed parts are dummy bytes; these cases cannot be opened), and
 * supervisors created with the real service, holding the commission key.
 */
import { randomBytes } from 'node:crypto';
import { Types } from 'mongoose';
import { Case } from '../../server/cases/case.model';
import { caseStages, stageOrder } from '../../server/cases/case-stages';
import { commissionKeyId } from '../../server/cases/sealing/commission-key';
import { createStaffAccount } from '../../server/staff/accounts.service';
import type { StaffLogin } from './load-clients';

const batchSize = 500;
const units = ['xzspj', 'other'];
const categories = ['shirking', 'favours'];

/** References TZ-2020-…: a year of their own, so they never meet the counter of real submissions. */
export async function seedQueueCases(count: number, keyId: string): Promise<void> {
  const day = 24 * 60 * 60 * 1000;
  const start = Date.UTC(2020, 0, 1);
  for (let offset = 0; offset < count; offset += batchSize) {
    const batch = Array.from({ length: Math.min(batchSize, count - offset) }, (_, index) => {
      const number = offset + index + 1;
      const status = caseStages[number % caseStages.length];
      const receivedAt = new Date(start + (number % 1500) * day);
      const date = receivedAt.toISOString().slice(0, 10);
      return {
        _id: new Types.ObjectId(),
        reference: `TZ-2020-${String(number).padStart(5, '0')}`,
        lookupId: randomBytes(32).toString('hex'),
        kind: 'complaint',
        reporterType: 'resident',
        unitCode: units[number % units.length],
        categoryCode: categories[number % categories.length],
        status,
        stageOrder: stageOrder[status],
        receivedAt,
        receivedDate: date,
        monthKey: date.slice(0, 7),
        acceptDueDate: date,
        dueDate: status === 'closed' ? null : date,
        keys: { sealedForCommission: { keyId, ephemeralPublicKey: 'dummy', box: 'dummy' }, wrappedForReporter: 'dummy' },
        sealed: { report: randomBytes(64) },
      };
    });
    await Case.insertMany(batch, { lean: true });
  }
}

export async function createSupervisors(count: number, secrets: { session: string; commissionPublicKey: string; commissionPrivateKeyPem: string }): Promise<StaffLogin[]> {
  const accounts: StaffLogin[] = [];
  for (let index = 1; index <= count; index += 1) {
    const password = `lanterns over the salt canal at dusk ${index}`;
    const created = await createStaffAccount(
      { name: `Bench Supervisor ${index}`, email: `bench-supervisor-${index}@tongzhou.example`, roles: ['supervisor'], password, mustChangePassword: false, commissionPrivateKeyPem: secrets.commissionPrivateKeyPem },
      { actor: 'system', totpSecret: secrets.session, commissionKeyId: commissionKeyId(secrets.commissionPublicKey) },
    );
    accounts.push({ email: created.email, password, totpSecret: created.totpSecret });
  }
  return accounts;
}
