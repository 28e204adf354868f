/**
 * Builds the real app for tests with a known configuration and a logger
 * whose lines are kept so tests can check what was (not) logged.
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import type { Express, Router } from 'express';
import type { Redis } from 'ioredis';
import request from 'supertest';
import { createApp, type AppDeps } from '../../server/app';
import { loadConfig, type Config } from '../../server/config';
import { createLogger } from '../../server/lib/logger';

export interface TestApp {
  app: Express;
  config: Config;
  logLines: string[];
  commissionPrivateKey: string;
  /** the identity key's private half, for custodians (createAccount's identityPrivateKeyPem) */
  identityPrivateKey: string;
}

export function testConfig(overrides: Record<string, string> = {}): { config: Config; commissionPrivateKey: string; identityPrivateKey: string } {
  const pemPair = () => generateKeyPairSync('x25519', { publicKeyEncoding: { type: 'spki', format: 'pem' }, privateKeyEncoding: { type: 'pkcs8', format: 'pem' } });
  const { publicKey, privateKey } = pemPair();
  const identity = pemPair();
  const config = loadConfig({
    NODE_ENV: 'test',
    DATA_DIR: `/tmp/qingfeng-test-data-${process.pid}`,
    SESSION_SECRET: randomBytes(32).toString('base64'),
    CSRF_SECRET: randomBytes(32).toString('base64'),
    CLIENT_KEY_SECRET: randomBytes(32).toString('base64'),
    TRACKING_SALT: randomBytes(16).toString('base64'),
    COMMISSION_PUBLIC_KEY: publicKey,
    IDENTITY_PUBLIC_KEY: identity.publicKey,
    NOTICE_SECRET: randomBytes(32).toString('base64'),
    LOG_LEVEL: 'info',
    ...overrides,
  });
  return { config, commissionPrivateKey: privateKey, identityPrivateKey: identity.privateKey };
}

export function buildTestApp(overrides: Record<string, string> = {}, options: Partial<Omit<AppDeps, 'config' | 'logger'>> = {}): TestApp {
  const { config, commissionPrivateKey, identityPrivateKey } = testConfig(overrides);
  const logLines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(String(chunk));
      done();
    },
  });
  const app = createApp({ config, logger: createLogger('info', sink), ...options });
  return { app, config, logLines, commissionPrivateKey, identityPrivateKey };
}

/** A browser-like agent: keeps cookies, and can fetch a form's CSRF token. */
export function browser(app: Express): request.Agent {
  return request.agent(app);
}

export async function csrfTokenFrom(agent: request.Agent, path: string): Promise<string> {
  const page = await agent.get(path);
  const match = /name="_csrf" value="([^"]+)"/.exec(page.text);
  if (!match) throw new Error(`no CSRF token on ${path} (status ${page.status})`);
  return match[1];
}
