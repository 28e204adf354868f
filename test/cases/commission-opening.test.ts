import { generateKeyPairSync } from 'node:crypto';
import sharp from 'sharp';
import { Case, type CaseDocument } from '../../server/cases/case.model';
import { caseDataKey, readAttachments, readIdentity, readReport } from '../../server/cases/case-content.service';
import { openIdentityWithKey } from '../../server/cases/identity-sealing';
import { SealBrokenError } from '../../server/cases/sealing/content-box';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { openReportForm, postReport, validReport } from '../helpers/reports';

const { app, commissionPrivateKey, identityPrivateKey } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000' });

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
});
afterAll(dropTestDatabase);

describe('the commission opens a sealed case', () => {
  it('when a report with contact details and a GPS-tagged photo is submitted, then only the commission key opens it, and the photo has no metadata left', async () => {
    const photo = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#888' } })
      .jpeg()
      .withExif({ IFD0: { Make: 'SecretCam', Model: 'Serial-XYZ-998', Copyright: 'Owner Zhang' }, IFD3: { GPSLatitudeRef: 'N', GPSLatitude: '32/1 1/1 0/1' } })
      .toBuffer();
    expect((await sharp(photo).metadata()).exif).toBeDefined();
    const agent = browser(app);
    const identity = { identityChoice: 'confidential', name: '李保密', phone: '13800001111', email: 'li@example.com' };
    await postReport(agent, await openReportForm(agent), { ...validReport, ...identity }, [{ bytes: photo, filename: 'gps.jpg', contentType: 'image/jpeg' }]).expect(200);

    const stored = await Case.findOne({ hasIdentity: true }).lean<CaseDocument>();
    const dataKey = caseDataKey(stored!, commissionPrivateKey);
    expect(readReport(stored!, dataKey).description).toBe(validReport.description);
    // The identity is under the identity key, which custodians hold; the commission key does not open it.
    expect(() => readIdentity(stored!, dataKey)).toThrow(SealBrokenError);
    expect(openIdentityWithKey(stored!, identityPrivateKey)).toEqual(expect.objectContaining({ name: '李保密', phone: '13800001111', email: 'li@example.com' }));
    const [file] = await readAttachments(stored!, dataKey);
    const metadata = await sharp(file.bytes).metadata();
    expect(metadata.exif).toBeUndefined();
    expect(metadata.width).toBe(40);
    expect(file.bytes.includes(Buffer.from('SecretCam'))).toBe(false);
    expect(file.bytes.includes(Buffer.from('Serial-XYZ-998'))).toBe(false);

    const otherKey = generateKeyPairSync('x25519', { privateKeyEncoding: { type: 'pkcs8', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey;
    expect(() => caseDataKey(stored!, otherKey)).toThrow();
  });
});
