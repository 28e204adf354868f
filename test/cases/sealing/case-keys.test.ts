import { randomBytes } from 'node:crypto';
import {
  createCaseKeysFor,
  openCaseKeyAsCommission,
  openCaseKeyAsReporter,
} from '../../../server/cases/sealing/case-keys';
import { CommissionKeyMismatchError, generateCommissionKeyPair } from '../../../server/cases/sealing/commission-key';
import { open, SealBrokenError, sealJson, openJson } from '../../../server/cases/sealing/content-box';
import { deriveCaseTrackingKeys } from '../../../server/cases/sealing/tracking-code';

const commission = generateCommissionKeyPair();
const installationSalt = randomBytes(32);

const randomSecret = () => String(BigInt(`0x${randomBytes(16).toString('hex')}`) % 10n ** 14n).padStart(14, '0');
// What a reporter derives from their code: the secret part, with the case's salt.
const deriveTrackingKeys = (code: { secret: string; caseSalt: Buffer }, salt: Buffer) => deriveCaseTrackingKeys(code.secret, code.caseSalt, salt);
const generateTrackingCode = () => ({ secret: randomSecret(), caseSalt: randomBytes(16) });

async function newCase() {
  const code = generateTrackingCode();
  const keys = createCaseKeysFor(await deriveTrackingKeys(code, installationSalt), commission.publicKeyPem);
  return { code, keys };
}

describe('case keys', () => {
  it('when a case is created, then its lookup id is the one the reporter will derive from the code', async () => {
    const { code, keys } = await newCase();
    expect(keys.dataKey.length).toBe(32);
    expect((await deriveTrackingKeys(code, installationSalt)).lookupId).toBe(keys.lookupId);
  });

  it('when the reporter comes back with the code, then they open the data key and read their description', async () => {
    const { code, keys } = await newCase();
    const description = sealJson(keys.dataKey, { text: '村委会账目不公开' }, 'case:1:description');
    const reporterKeys = await deriveTrackingKeys(code, installationSalt);
    const dataKey = openCaseKeyAsReporter(reporterKeys, keys.wrappedForReporter);
    expect(dataKey.equals(keys.dataKey)).toBe(true);
    expect(openJson(dataKey, description, 'case:1:description')).toEqual({ text: '村委会账目不公开' });
  });

  it('when the reporter uses another code, then the data key stays closed', async () => {
    const { code, keys } = await newCase();
    const otherKeys = await deriveTrackingKeys({ ...code, secret: randomSecret() }, installationSalt);
    expect(otherKeys.lookupId).not.toBe(keys.lookupId);
    expect(() => openCaseKeyAsReporter(otherKeys, keys.wrappedForReporter)).toThrow(SealBrokenError);
  });

  it('when the right code is used with another installation salt, then the data key stays closed', async () => {
    const { code, keys } = await newCase();
    const elsewhere = await deriveTrackingKeys(code, randomBytes(32));
    expect(() => openCaseKeyAsReporter(elsewhere, keys.wrappedForReporter)).toThrow(SealBrokenError);
  });

  it('when the commission opens the case with its private key, then it gets the same data key', async () => {
    const { keys } = await newCase();
    expect(openCaseKeyAsCommission(commission.privateKeyPem, keys.sealedForCommission).equals(keys.dataKey)).toBe(true);
  });

  it('when another commission key is used, then the case stays closed', async () => {
    const { keys } = await newCase();
    expect(() => openCaseKeyAsCommission(generateCommissionKeyPair().privateKeyPem, keys.sealedForCommission)).toThrow(
      CommissionKeyMismatchError,
    );
  });

  it('when only what is stored and the server secrets are at hand, then nothing in them opens the data key', async () => {
    const { keys } = await newCase();
    const stored = { lookupId: keys.lookupId, sealedForCommission: keys.sealedForCommission, wrappedForReporter: keys.wrappedForReporter };
    const storedJson = JSON.stringify(stored);
    expect(storedJson).not.toContain(keys.dataKey.toString('base64'));
    expect(storedJson).not.toContain(keys.dataKey.toString('hex'));
    const wrapped = Buffer.from(keys.wrappedForReporter, 'base64');
    // The lookup id is public to the database; it must not double as the wrap key.
    expect(() => open(Buffer.from(keys.lookupId, 'hex'), wrapped, 'reporter-wrap')).toThrow(SealBrokenError);
    expect(() => open(installationSalt, wrapped, 'reporter-wrap')).toThrow(SealBrokenError);
  });

  it('when two cases are created, then each has its own data key, lookup id and seals', async () => {
    const first = await newCase();
    const second = await newCase();
    expect(first.keys.dataKey.equals(second.keys.dataKey)).toBe(false);
    expect(first.keys.lookupId).not.toBe(second.keys.lookupId);
    expect(first.keys.wrappedForReporter).not.toBe(second.keys.wrappedForReporter);
  });
});
