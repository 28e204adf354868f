import { AuditHead } from '../../server/audit/audit.model';
import { upsertRetryingDuplicates } from '../../server/lib/db';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

describe('upserts that race', () => {
  it('when ten requests create the same document at once, then every one succeeds and one document results', async () => {
    // Bare, about a third of these fail with E11000 on FerretDB (measured: 70 of 200).
    for (let round = 0; round < 10; round += 1) {
      await AuditHead.deleteMany({});
      const results = await Promise.allSettled(Array.from({ length: 10 }, (_, seq) =>
        upsertRetryingDuplicates(() => AuditHead.updateOne({ _id: 'audit' }, { $max: { seq } }, { upsert: true }))));
      expect(results.filter((result) => result.status === 'rejected')).toEqual([]);
      expect(await AuditHead.countDocuments()).toBe(1);
    }
  });

  it('when an upsert fails for another reason, then the error is not swallowed', async () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(Object.assign(new Error('boom'), { code: 2 }));
    };
    await expect(upsertRetryingDuplicates(failing)).rejects.toThrow('boom');
    expect(calls).toBe(1);
  });
});
