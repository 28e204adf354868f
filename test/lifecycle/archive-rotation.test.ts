/**
 * Archives of purged cases (retention/) are the only copy of those cases:
 * a rotation of the commission key re-seals their data keys as it does the
 * cases', so after the old key is retired they still open, with the new key.
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runRotateKeys } from '../../scripts/rotate-keys';
import { CommissionKeyMismatchError, commissionKeyIdOfPrivateKey } from '../../server/cases/sealing/commission-key';
import { openArchive, writeArchive } from '../../server/retention/case-archive';
import { buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { createAccount } from '../staff/staff-helpers';

const dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-archive-rotation-'));
const archiveDir = path.join(dir, 'archive');
const testApp = buildTestApp();
const newCommission = generateKeyPairSync('x25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });

beforeAll(useTestDatabase);
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await dropTestDatabase();
});

async function rotate(args: string[], password?: string): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runRotateKeys(args, { stdin: password ? `${password}\n` : undefined, archiveDir, out: (text) => out.push(text), err: (text) => err.push(text) });
  return { code, out: out.join(''), err: err.join('') };
}

describe('archives of purged cases and a rotation of the commission key', () => {
  it('when the commission key is rotated and the old one retired, then an archive written before opens with the new key, and no longer with the old', async () => {
    const archived = { case: { reference: 'TZ-2025-00007', marker: 'ARCHIVED-4410' }, events: [], messages: [], attachments: [], entries: [] };
    const file = writeArchive(archiveDir, 'TZ-2025-00007', '65a000000000000000000007', archived, testApp.config.secrets.commissionPublicKey);
    const holder = await createAccount(testApp.config, { roles: ['intake'], commissionPrivateKeyPem: testApp.commissionPrivateKey });
    const newKeyFile = path.join(dir, 'new-commission.pem');
    writeFileSync(newKeyFile, newCommission.privateKey);

    const rotated = await rotate(['rotate', 'commission', '--holder', holder.email, '--new-key', newKeyFile], holder.password);
    expect(rotated.code).toBe(0);
    expect(rotated.out).toContain('1 archives of purged cases re-sealed');
    const oldKeyId = commissionKeyIdOfPrivateKey(testApp.commissionPrivateKey);
    expect((await rotate(['retire', 'commission', '--old-key-id', oldKeyId])).code).toBe(0);

    expect(openArchive(file, newCommission.privateKey).archived.case).toEqual(archived.case);
    expect(() => openArchive(file, testApp.commissionPrivateKey)).toThrow(CommissionKeyMismatchError);
  });
});
