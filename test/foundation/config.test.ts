import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from '../../server/config';
import { testConfig } from '../helpers/app';

function freshDataDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'qingfeng-config-'));
}

describe('configuration', () => {
  it('when nothing is set in development, then defaults apply and dev secrets are generated once under DATA_DIR', () => {
    const dataDir = freshDataDir();
    const first = loadConfig({ DATA_DIR: dataDir });
    expect(first.port).toBe(3000);
    expect(first.host).toBe('127.0.0.1');
    expect(first.mongodbUri).toBeUndefined();
    expect(first.cookieSecure).toBe(false);
    const file = path.join(dataDir, 'dev-secrets.json');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadConfig({ DATA_DIR: dataDir });
    expect(second.secrets.session).toBe(first.secrets.session);
    expect(JSON.parse(readFileSync(file, 'utf8')).SESSION_SECRET).toBe(first.secrets.session);
  });

  it('when production starts without its secrets, then it refuses and names every missing key', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DATA_DIR: freshDataDir() })).toThrow(ConfigError);
    try {
      loadConfig({ NODE_ENV: 'production', DATA_DIR: freshDataDir() });
    } catch (error) {
      const message = (error as Error).message;
      for (const key of ['SESSION_SECRET', 'CSRF_SECRET', 'CLIENT_KEY_SECRET', 'TRACKING_SALT', 'COMMISSION_PUBLIC_KEY', 'SMTP_URL']) {
        expect(message).toContain(`${key}: required in production`);
      }
    }
  });

  it('when a value is malformed, then the error names the key and what is wrong', () => {
    expect(() => loadConfig({ PORT: 'eighty', DATA_DIR: freshDataDir() })).toThrow(/PORT: Expected number/);
    expect(() => loadConfig({ MONGODB_URI: 'http://db', DATA_DIR: freshDataDir() })).toThrow(/MONGODB_URI: must start with mongodb:\/\//);
    expect(() => loadConfig({ HOST: 'everywhere', DATA_DIR: freshDataDir() })).toThrow(/HOST: must be an IP address/);
    expect(() => loadConfig({ SESSION_SECRET: 'short', DATA_DIR: freshDataDir() })).toThrow(/SESSION_SECRET: must be at least 32 characters/);
  });

  it('when production has every secret, then cookies are secure by default', () => {
    const { config: base } = testConfig();
    const config = loadConfig({
      NODE_ENV: 'production',
      SESSION_SECRET: base.secrets.session,
      CSRF_SECRET: base.secrets.csrf,
      CLIENT_KEY_SECRET: base.secrets.clientKey,
      TRACKING_SALT: base.secrets.trackingSalt.toString('base64'),
      COMMISSION_PUBLIC_KEY: base.secrets.commissionPublicKey,
      SMTP_URL: 'smtp://127.0.0.1:2525',
      DATA_DIR: freshDataDir(),
    });
    expect(config.cookieSecure).toBe(true);
    expect(config.trustProxyHops).toBe(0);
  });

  it('when production trusts a proxy but listens beyond loopback, then it refuses to start unless the network is said to be private', () => {
    const { config: base } = testConfig();
    const production = {
      NODE_ENV: 'production', SESSION_SECRET: base.secrets.session, CSRF_SECRET: base.secrets.csrf, CLIENT_KEY_SECRET: base.secrets.clientKey,
      TRACKING_SALT: base.secrets.trackingSalt.toString('base64'), COMMISSION_PUBLIC_KEY: base.secrets.commissionPublicKey, SMTP_URL: 'smtp://127.0.0.1:2525',
      TRUST_PROXY_HOPS: '1', DATA_DIR: freshDataDir(),
    };
    expect(() => loadConfig({ ...production, HOST: '0.0.0.0' })).toThrow(/HOST: with TRUST_PROXY_HOPS the portal must listen on loopback/);
    expect(() => loadConfig({ ...production, HOST: '10.0.0.5' })).toThrow(ConfigError);
    expect(loadConfig({ ...production, HOST: '127.0.0.1' }).trustProxyHops).toBe(1);
    expect(loadConfig({ ...production, HOST: '10.0.0.5', PROXY_NETWORK_PRIVATE: 'true' }).host).toBe('10.0.0.5');
    expect(loadConfig({ ...production, HOST: '0.0.0.0', TRUST_PROXY_HOPS: '0' }).trustProxyHops).toBe(0);
  });
});
