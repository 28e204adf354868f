/**
 * Where mail goes: the SMTP server in SMTP_URL, or, when it is not set
 * (development, demos), one .eml file per mail under DATA_DIR/outbox/, mode
 * 0600, named after the outbox mail id. Nothing is created until called. A
 * mail to a reporter (`toReporter`) is written there without their address:
 * it exists only sealed in the case, and a file would keep it in clear.
 *
 * Every message gets a Message-ID built from its mail id (for outbox mails
 * the outbox id, stable across retries, so a receiving system can recognise a
 * repeat). A mail sent straight through `send()` without the outbox (a
 * reporter's notice, whose address must not be stored) brings an id of its own.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import nodemailer from 'nodemailer';
import addressparser from 'nodemailer/lib/addressparser';
import type Mail from 'nodemailer/lib/mailer';
import type { Config } from '../config';

export interface OutgoingMail {
  /** Letters, digits and dashes only: it names the .eml file and goes into the Message-ID. */
  mailId: string;
  to: string;
  subject: string;
  text: string;
  /** The address is a reporter's: never written anywhere but to the SMTP server. */
  toReporter?: boolean;
}

export const withheldRecipient = 'reporter-address-withheld@qingfeng.invalid';

export interface MailTransport {
  readonly kind: 'smtp' | 'file';
  send(mail: OutgoingMail): Promise<void>;
  close(): void;
}

export type MailTransportConfig = Pick<Config, 'mail' | 'dataDir' | 'publicUrl'>;

const mailIdPattern = /^[A-Za-z0-9][A-Za-z0-9-]{0,79}$/;

export function createMailTransport(config: MailTransportConfig): MailTransport {
  const domain = senderDomain(config.mail.from);
  const compose = (mail: OutgoingMail): Mail.Options => {
    if (!mailIdPattern.test(mail.mailId)) throw new TypeError('An outgoing mail needs an id of letters, digits and dashes');
    return {
      from: config.mail.from,
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      messageId: `<${mail.mailId}@${domain}>`,
      disableFileAccess: true,
      disableUrlAccess: true,
    };
  };
  return config.mail.smtpUrl
    ? smtpTransport(config.mail.smtpUrl, new URL(config.publicUrl).hostname, compose)
    : fileTransport(path.join(config.dataDir, 'outbox'), compose);
}

function smtpTransport(url: string, hostname: string, compose: (mail: OutgoingMail) => Mail.Options): MailTransport {
  const transporter = nodemailer.createTransport({
    url,
    // Our public name in EHLO, not the machine's host name.
    name: hostname,
    // A send must end well within the worker's claim lease (10 minutes).
    connectionTimeout: 30_000,
    greetingTimeout: 30_000,
    socketTimeout: 60_000,
    logger: false,
    debug: false,
  });
  return {
    kind: 'smtp',
    async send(mail) {
      await transporter.sendMail(compose(mail));
    },
    close: () => transporter.close(),
  };
}

function fileTransport(dir: string, compose: (mail: OutgoingMail) => Mail.Options): MailTransport {
  const transporter = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'file',
    async send(mail) {
      const info = await transporter.sendMail(compose(mail.toReporter ? { ...mail, to: withheldRecipient } : mail));
      await mkdir(dir, { recursive: true, mode: 0o700 });
      await writeFile(path.join(dir, `${mail.mailId}.eml`), info.message as Buffer, { mode: 0o600 });
    },
    close: () => transporter.close(),
  };
}

function senderDomain(from: string): string {
  const [first] = addressparser(from, { flatten: true });
  const domain = first?.address?.split('@')[1];
  return domain && /^[A-Za-z0-9.-]+$/.test(domain) ? domain : 'qingfeng.invalid';
}
