/**
 * The only reader of process.env. Parsed once at start-up with zod; a bad or
 * missing key stops the portal with the key's name. In development and test,
 * missing secrets are generated once and kept under DATA_DIR (see
 * lib/dev-secrets.ts); in production they must be given.
 */
import { hkdfSync } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { loadOrCreateDevSecrets } from './lib/dev-secrets';

const secretKeys = ['SESSION_SECRET', 'CSRF_SECRET', 'CLIENT_KEY_SECRET', 'TRACKING_SALT', 'COMMISSION_PUBLIC_KEY'] as const;

const booleanString = z.enum(['true', 'false']).transform((value) => value === 'true');
const positiveInt = z.coerce.number().int().positive();
const secret = z.string().min(32, 'must be at least 32 characters (generate with: openssl rand -base64 32)');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().ip({ message: 'must be an IP address, e.g. 127.0.0.1' }).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_URL: z.string().url().optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must start with mongodb:// or mongodb+srv://').optional(),
  EMBEDDED_DB_HANDLER: z.enum(['sqlite', 'postgresql']).default('sqlite'),
  EMBEDDED_DB_POSTGRESQL_URL: z.string().regex(/^postgres(ql)?:\/\//, 'must start with postgres://').optional(),
  REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must start with redis:// or rediss://').optional(),
  TRUST_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  /** With TRUST_PROXY_HOPS, a HOST other than loopback is allowed only when nothing but the proxy can reach it. */
  PROXY_NETWORK_PRIVATE: booleanString.default('false'),
  COOKIE_SECURE: booleanString.optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']).default('info'),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must start with smtp:// or smtps://').optional(),
  MAIL_FROM: z.string().default('清风通州 <no-reply@qingfeng.invalid>'),
  COMMISSION_INBOX: z.string().email().default('intake@qingfeng.invalid'),
  REPORTS_PER_HOUR_PER_CLIENT: positiveInt.default(10),
  REPORT_INTAKE_CONCURRENCY: positiveInt.default(2),
  REPORT_INTAKE_QUEUE: z.coerce.number().int().min(0).default(20),
  REPORT_INTAKE_MAX_WAIT_SECONDS: positiveInt.default(60),
  TRACK_LOOKUPS_PER_HOUR_PER_CLIENT: positiveInt.default(30),
  TRACK_LOOKUPS_PER_HOUR_SITE: positiveInt.default(600),
  WINDOW_RATINGS_PER_HOUR_PER_CLIENT: positiveInt.default(10),
  WINDOW_RATINGS_PER_HOUR_PER_WINDOW: positiveInt.default(240),
  DEADLINE_ACCEPT_WORKING_DAYS: positiveInt.default(15),
  DEADLINE_TRANSFER_WORKING_DAYS: positiveInt.default(5),
  DEADLINE_RESULT_WORKING_DAYS: positiveInt.default(15),
  CONCLUSION_TARGET_MONTHS: positiveInt.default(3),
  /** 复查: working days to answer a reporter's objection */
  DEADLINE_REVIEW_WORKING_DAYS: positiveInt.default(15),
  /** working days a reporter is given to answer a question the commission puts to them */
  DEADLINE_ANSWER_WORKING_DAYS: positiveInt.default(10),
  STAFF_SESSION_IDLE_MINUTES: positiveInt.default(30),
  STAFF_SESSION_MAX_HOURS: positiveInt.default(12),
  STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: positiveInt.default(60),
  /** A very small office only: an administrator may also hold the case roles and the custodian's. */
  ALLOW_ADMIN_CASE_ROLES: booleanString.default('false'),
  SESSION_SECRET: secret.optional(),
  CSRF_SECRET: secret.optional(),
  CLIENT_KEY_SECRET: secret.optional(),
  TRACKING_SALT: z.string().regex(/^[A-Za-z0-9+/=]{22,}$/, 'must be at least 16 random bytes in base64').optional(),
  COMMISSION_PUBLIC_KEY: z.string().includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key' }).optional(),
  /** Identities are sealed to this key, held by custodians only; without it, to the commission key as before. */
  IDENTITY_PUBLIC_KEY: z.string().includes('BEGIN PUBLIC KEY', { message: 'must be a PEM public key' }).optional(),
  /** The other ways to report, listed on every public page (footer). */
  CHANNEL_PHONE: z.string().max(40).default('12388'),
  CHANNEL_LETTER_ADDRESS_ZH: z.string().max(200).default('中共南通市通州区纪律检查委员会信访室（请在信封上注明“信访举报”）'),
  CHANNEL_LETTER_ADDRESS_EN: z.string().max(200).default('Petitions Office, Tongzhou District Commission for Discipline Inspection, Nantong (mark the envelope “Report”)'),
  CHANNEL_VISIT_HOURS_ZH: z.string().max(200).default('工作日上午8:30—12:00，下午13:30—17:30（法定节假日除外）'),
  CHANNEL_VISIT_HOURS_EN: z.string().max(200).default('Working days 8:30–12:00 and 13:30–17:30 (not on public holidays)'),
  /** Where a report about the district commission's own leadership goes: the city commission (the report form says so and stores nothing). */
  CHANNEL_CITY_PHONE: z.string().max(40).default('0513-12388'),
  CHANNEL_CITY_LETTER_ADDRESS_ZH: z.string().max(200).default('中共南通市纪律检查委员会信访室（请在信封上注明“信访举报”）'),
  CHANNEL_CITY_LETTER_ADDRESS_EN: z.string().max(200).default('Petitions Office, Nantong Municipal Commission for Discipline Inspection (mark the envelope “Report”)'),
  CHANNEL_CITY_WEBSITE: z.string().max(200).url().default('https://www.12388.gov.cn'),
  /** Seals the address a reporter gave for notices, so the portal can send them without any staff key. */
  NOTICE_SECRET: secret.optional(),
  /** Seals the staff authenticator (TOTP) secrets, so SESSION_SECRET can be rotated without re-enrolling anyone. */
  TOTP_SECRET_KEY: secret.optional(),
  /** Months a closed case is kept, per retention class (administrators may change them; see server/retention/). */
  RETENTION_MONTHS: z.string().regex(/^(\s*[a-zA-Z]+=\d{1,3}\s*)(,\s*[a-zA-Z]+=\d{1,3}\s*)*$/, 'must be a list like declined=12,substantiated=60').default('declined=12,transferred=12,notSubstantiated=36,partlySubstantiated=60,substantiated=60,other=36'),
  /** A closed case's tracking code stops working after this many months without activity. */
  TRACKING_CODE_EXPIRY_MONTHS: positiveInt.default(24),
});

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export type Config = ReturnType<typeof toConfig>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(withoutEmptyValues(env));
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const values = parsed.data;
  const dataDir = path.resolve(values.DATA_DIR);
  const missing = secretKeys.filter((key) => !values[key]);
  // Without SMTP_URL mail would quietly become files on disk: not in production.
  const requiredInProduction = [...missing, ...(values.SMTP_URL ? [] : ['SMTP_URL'])];
  if (requiredInProduction.length > 0 && values.NODE_ENV === 'production') {
    throw new ConfigError(`Invalid configuration:\n  ${requiredInProduction.map((key) => `${key}: required in production`).join('\n  ')}`);
  }
  // A client reaching the portal directly could write X-Forwarded-For itself, and escape every limit.
  if (values.NODE_ENV === 'production' && values.TRUST_PROXY_HOPS > 0 && !isLoopback(values.HOST) && !values.PROXY_NETWORK_PRIVATE) {
    throw new ConfigError('Invalid configuration:\n  HOST: with TRUST_PROXY_HOPS the portal must listen on loopback behind its proxy (127.0.0.1 or ::1), or PROXY_NETWORK_PRIVATE=true must say that only the proxy can reach it');
  }
  const secrets: Partial<Record<string, string>> = missing.length > 0 ? { ...loadOrCreateDevSecrets(dataDir), ...pickDefined(values) } : pickDefined(values);
  if (secrets.IDENTITY_PUBLIC_KEY && !secrets.NOTICE_SECRET) {
    throw new ConfigError('Invalid configuration:\n  NOTICE_SECRET: required with IDENTITY_PUBLIC_KEY (the notice address cannot be sealed to the identity key: the portal sends notices without it)');
  }
  return toConfig(values, dataDir, secrets as Record<(typeof secretKeys)[number], string> & { IDENTITY_PUBLIC_KEY?: string; NOTICE_SECRET?: string; TOTP_SECRET_KEY?: string });
}

function isLoopback(host: string): boolean {
  return /^127\./.test(host) || host === '::1';
}

function toConfig(values: z.infer<typeof envSchema>, dataDir: string, secrets: Record<(typeof secretKeys)[number], string> & { IDENTITY_PUBLIC_KEY?: string; NOTICE_SECRET?: string; TOTP_SECRET_KEY?: string }) {
  const production = values.NODE_ENV === 'production';
  return {
    env: values.NODE_ENV,
    host: values.HOST,
    port: values.PORT,
    publicUrl: values.PUBLIC_URL ?? `http://${values.HOST}:${values.PORT}`,
    dataDir,
    mongodbUri: values.MONGODB_URI,
    embeddedDatabase: { handler: values.EMBEDDED_DB_HANDLER, postgresqlUrl: values.EMBEDDED_DB_POSTGRESQL_URL },
    redisUrl: values.REDIS_URL,
    trustProxyHops: values.TRUST_PROXY_HOPS,
    cookieSecure: values.COOKIE_SECURE ?? production,
    logLevel: values.LOG_LEVEL,
    mail: { smtpUrl: values.SMTP_URL, from: values.MAIL_FROM, commissionInbox: values.COMMISSION_INBOX },
    deadlines: {
      acceptance: values.DEADLINE_ACCEPT_WORKING_DAYS,
      transfer: values.DEADLINE_TRANSFER_WORKING_DAYS,
      resultNotice: values.DEADLINE_RESULT_WORKING_DAYS,
      conclusionMonths: values.CONCLUSION_TARGET_MONTHS,
      review: values.DEADLINE_REVIEW_WORKING_DAYS,
      answer: values.DEADLINE_ANSWER_WORKING_DAYS,
    },
    limits: {
      reportsPerHourPerClient: values.REPORTS_PER_HOUR_PER_CLIENT,
      trackLookupsPerHourPerClient: values.TRACK_LOOKUPS_PER_HOUR_PER_CLIENT,
      trackLookupsPerHourSite: values.TRACK_LOOKUPS_PER_HOUR_SITE,
      windowRatingsPerHourPerClient: values.WINDOW_RATINGS_PER_HOUR_PER_CLIENT,
      windowRatingsPerHourPerWindow: values.WINDOW_RATINGS_PER_HOUR_PER_WINDOW,
    },
    channels: {
      phone: values.CHANNEL_PHONE,
      letterAddress: { zh: values.CHANNEL_LETTER_ADDRESS_ZH, en: values.CHANNEL_LETTER_ADDRESS_EN },
      visitHours: { zh: values.CHANNEL_VISIT_HOURS_ZH, en: values.CHANNEL_VISIT_HOURS_EN },
      city: { phone: values.CHANNEL_CITY_PHONE, letterAddress: { zh: values.CHANNEL_CITY_LETTER_ADDRESS_ZH, en: values.CHANNEL_CITY_LETTER_ADDRESS_EN }, website: values.CHANNEL_CITY_WEBSITE },
    },
    intake: {
      concurrency: values.REPORT_INTAKE_CONCURRENCY,
      maxWaiting: values.REPORT_INTAKE_QUEUE,
      maxWaitMs: values.REPORT_INTAKE_MAX_WAIT_SECONDS * 1000,
    },
    staff: {
      sessionIdleMs: values.STAFF_SESSION_IDLE_MINUTES * 60_000,
      sessionMaxMs: values.STAFF_SESSION_MAX_HOURS * 3_600_000,
      signInsPerHourPerClient: values.STAFF_SIGN_INS_PER_HOUR_PER_CLIENT,
      allowAdminCaseRoles: values.ALLOW_ADMIN_CASE_ROLES,
    },
    retention: { months: values.RETENTION_MONTHS, codeExpiryMonths: values.TRACKING_CODE_EXPIRY_MONTHS, archiveDir: path.join(dataDir, 'archive') },
    secrets: {
      session: secrets.SESSION_SECRET,
      // Without TOTP_SECRET_KEY the authenticator secrets stay sealed as before, under SESSION_SECRET.
      totp: secrets.TOTP_SECRET_KEY ?? secrets.SESSION_SECRET,
      totpHasOwnKey: Boolean(secrets.TOTP_SECRET_KEY),
      csrf: secrets.CSRF_SECRET,
      clientKey: secrets.CLIENT_KEY_SECRET,
      trackingSalt: Buffer.from(secrets.TRACKING_SALT, 'base64'),
      commissionPublicKey: secrets.COMMISSION_PUBLIC_KEY,
      identityPublicKey: secrets.IDENTITY_PUBLIC_KEY,
      noticeKey: secrets.NOTICE_SECRET ? Buffer.from(hkdfSync('sha256', secrets.NOTICE_SECRET, Buffer.alloc(0), 'qingfeng notice address v1', 32)) : undefined,
    },
  };
}

// An empty line in .env (KEY=) means "not set", not "set to nothing".
function withoutEmptyValues(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ''));
}

// The optional keys too: given, they win over the dev file's.
const optionalSecretKeys = ['IDENTITY_PUBLIC_KEY', 'NOTICE_SECRET', 'TOTP_SECRET_KEY'] as const;

function pickDefined(values: z.infer<typeof envSchema>): Partial<Record<(typeof secretKeys)[number] | (typeof optionalSecretKeys)[number], string>> {
  return Object.fromEntries([...secretKeys, ...optionalSecretKeys].filter((key) => values[key]).map((key) => [key, values[key]]));
}
