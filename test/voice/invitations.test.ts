/**
 * The content-free invitation 1 and 3 months after a conclusion, over HTTP
 * and a real SMTP server: only reporters who left an address for notices,
 * nothing about the case in the mail, each mail once, kept for the next pass
 * while SMTP is down.
 */
import mongoose from 'mongoose';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { addMonths } from '../../server/cases/deadlines';
import { chinaDateOf } from '../../server/lib/china-time';
import { createMailTransport } from '../../server/notifications/mail-transport';
import { sendDueInvitations } from '../../server/voice/invitations.service';
import { buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { dumpDatabase } from '../helpers/reports';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server';
import { createAccount, signedInAgents, type TestAccount } from '../staff/staff-helpers';
import { act, newCase } from './voice-helpers';

let smtp: TestSmtpServer;
let app: ReturnType<typeof buildTestApp>;
const accounts: Record<string, TestAccount> = {};
let staff: ReturnType<typeof signedInAgents>;
const email = 'invite.reporter@example.com';

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
  smtp = await startSmtpServer();
  app = buildTestApp({ SMTP_URL: smtp.url, REPORTS_PER_HOUR_PER_CLIENT: '100', STAFF_SIGN_INS_PER_HOUR_PER_CLIENT: '100' });
  staff = signedInAgents(app.app, accounts);
  accounts.intake = await createAccount(app.config, { roles: ['intake'], commissionPrivateKeyPem: app.commissionPrivateKey });
  accounts.supervisor = await createAccount(app.config, { roles: ['supervisor'], commissionPrivateKeyPem: app.commissionPrivateKey });
});
afterAll(async () => {
  await smtp.close();
  await dropTestDatabase();
});

async function concluded(fields: Record<string, string> = {}): Promise<string> {
  const { reference } = await newCase(app.app, fields);
  expect((await act(await staff('intake'), reference, 'accept')).status).toBe(303);
  expect((await act(await staff('supervisor'), reference, 'conclude', { outcome: 'substantiated', summary: '已责令整改。' })).status).toBe(303);
  return reference;
}

describe('invitations to tell of retaliation', () => {
  it('when a case with an address for notices is concluded, then 1 and 3 months later one content-free mail each goes to that address, and none to a reporter who left none', async () => {
    const reference = await concluded({ identityChoice: 'confidential', name: '邀请测试', phone: '13900003333', email, notifyByEmail: 'yes' });
    await concluded();
    const deps = { transport: createMailTransport(app.config), publicUrl: 'https://qingfeng.example', noticeKey: app.config.secrets.noticeKey };
    const today = chinaDateOf(new Date());
    expect(await dumpDatabase()).not.toContain(email);

    expect(await sendDueInvitations(deps, addMonths(today, 1))).toBe(0 + 1);
    expect(smtp.messages).toHaveLength(1);
    expect(smtp.messages[0].envelopeTo).toEqual([email]);
    expect(smtp.messages[0].raw).not.toContain(reference);
    // The same day again: nothing more.
    expect(await sendDueInvitations(deps, addMonths(today, 1))).toBe(0);

    expect(await sendDueInvitations(deps, addMonths(today, 3))).toBe(1);
    expect(smtp.messages).toHaveLength(2);
    expect(await dumpDatabase()).not.toContain(email);
  });

  it('when SMTP is down on the day, then the invitation waits for the next pass', async () => {
    await concluded({ identityChoice: 'confidential', name: '邀请测试二', phone: '13900004444', email: 'second.reporter@example.com', notifyByEmail: 'yes' });
    const broken = { transport: createMailTransport({ ...app.config, mail: { ...app.config.mail, smtpUrl: 'smtp://127.0.0.1:9' } }), publicUrl: 'https://qingfeng.example', noticeKey: app.config.secrets.noticeKey };
    const working = { ...broken, transport: createMailTransport(app.config) };
    const due = addMonths(chinaDateOf(new Date()), 1);
    // The first test's passes ran three months ahead; this one starts afresh, as a portal does on its first pass.
    await mongoose.connection.db!.collection('voice_invitations').deleteOne({ _id: 'done-up-to' as unknown as never });
    const before = smtp.messages.length;
    expect(await sendDueInvitations(broken, due)).toBe(0);
    expect(await sendDueInvitations(working, due)).toBe(1);
    expect(smtp.messages.slice(before).map((message) => message.envelopeTo)).toEqual([['second.reporter@example.com']]);
  });
});
