import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { main } from '../../../scripts/commission-keys';
import { commissionKeyId, openFromCommission, sealToCommission } from '../../../server/cases/sealing/commission-key';
import { newDataKey } from '../../../server/cases/sealing/content-box';

function run(argv: string[]): { code: number; stdout: string; stderr: string } {
  const out: string[] = [];
  const err: string[] = [];
  const stdout = jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true));
  const stderr = jest.spyOn(process.stderr, 'write').mockImplementation((chunk) => (err.push(String(chunk)), true));
  try {
    return { code: main(argv), stdout: out.join(''), stderr: err.join('') };
  } finally {
    stdout.mockRestore();
    stderr.mockRestore();
  }
}

describe('commission-keys create', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-commission-keys-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when a key is created, then the private key file is 0600 and stdout holds only the public key, which seals to it', () => {
    const file = path.join(dir, 'commission.pem');
    const result = run(['create', '--out', file]);
    expect(result.code).toBe(0);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const privateKeyPem = readFileSync(file, 'utf8');
    expect(privateKeyPem).toContain('BEGIN PRIVATE KEY');
    expect(result.stdout).not.toContain('PRIVATE KEY');
    expect(result.stdout).not.toContain(privateKeyPem.split('\n')[1]);
    const publicKeyPem = result.stdout.match(/-----BEGIN PUBLIC KEY-----[\s\S]+?-----END PUBLIC KEY-----\n?/)![0];
    expect(result.stdout).toContain(commissionKeyId(publicKeyPem));
    expect(result.stdout).toContain('COMMISSION_PUBLIC_KEY');
    const dataKey = newDataKey();
    expect(openFromCommission(privateKeyPem, sealToCommission(publicKeyPem, dataKey)).equals(dataKey)).toBe(true);
  });

  it('when the output file already exists, then it is left untouched and the tool fails', () => {
    const file = path.join(dir, 'commission.pem');
    writeFileSync(file, 'the old key');
    const result = run(['create', '--out', file]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('already exists');
    expect(result.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe('the old key');
  });

  it.each([[[]], [['create']], [['delete', '--out', 'x']], [['create', '--out']], [['create', '--bogus', 'x']]])(
    'when the arguments are %j, then the tool prints usage and exits 2',
    (argv) => {
      const result = run(argv);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('Usage');
    },
  );
});
