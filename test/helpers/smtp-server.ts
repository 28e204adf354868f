/**
 * A real SMTP server on 127.0.0.1 for the outbox tests: it keeps every
 * message it accepts, and can be told to refuse connections (421), refuse a
 * recipient (550, quoting the address as real servers do) or answer slowly.
 * Messages are decoded (headers, encoded words, quoted-printable, base64) so
 * tests can read subjects and bodies as a person would.
 */
import { SMTPServer } from 'smtp-server';

export interface ReceivedMessage {
  envelopeTo: string[];
  headers: Map<string, string>;
  subject: string;
  text: string;
  raw: string;
}

export interface TestSmtpServer {
  port: number;
  url: string;
  messages: ReceivedMessage[];
  /** 421 to every new connection while set. */
  refuseConnections: boolean;
  /** 550 for these recipients. */
  rejectedRecipients: Set<string>;
  /** Milliseconds to wait before accepting a message's data. */
  dataDelayMs: number;
  close(): Promise<void>;
}

export async function startSmtpServer(port = 0): Promise<TestSmtpServer> {
  const state: TestSmtpServer = {
    port: 0,
    url: '',
    messages: [],
    refuseConnections: false,
    rejectedRecipients: new Set(),
    dataDelayMs: 0,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onConnect(_session, callback) {
      if (!state.refuseConnections) return callback();
      callback(Object.assign(new Error('Service not available, try again later'), { responseCode: 421 }));
    },
    onRcptTo(address, _session, callback) {
      if (!state.rejectedRecipients.has(address.address)) return callback();
      callback(Object.assign(new Error(`Mailbox <${address.address}> unavailable`), { responseCode: 550 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        setTimeout(() => {
          state.messages.push({ envelopeTo: session.envelope.rcptTo.map((rcpt) => rcpt.address), raw, ...decodeMessage(raw) });
          callback();
        }, state.dataDelayMs);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  state.port = (server.server.address() as { port: number }).port;
  state.url = `smtp://127.0.0.1:${state.port}`;
  return state;
}

export function decodeMessage(raw: string): { headers: Map<string, string>; subject: string; text: string } {
  const normalised = raw.replace(/\r\n/g, '\n');
  const split = normalised.indexOf('\n\n');
  const headerBlock = normalised.slice(0, split).replace(/\n[ \t]+/g, ' ');
  const body = normalised.slice(split + 2);
  const headers = new Map<string, string>();
  for (const line of headerBlock.split('\n')) {
    const colon = line.indexOf(':');
    headers.set(line.slice(0, colon).trim().toLowerCase(), decodeEncodedWords(line.slice(colon + 1).trim()));
  }
  const encoding = (headers.get('content-transfer-encoding') ?? '7bit').toLowerCase();
  const bytes = encoding === 'base64' ? Buffer.from(body.replace(/\s+/g, ''), 'base64') : encoding === 'quoted-printable' ? decodeQuotedPrintable(body) : Buffer.from(body, 'utf8');
  return { headers, subject: headers.get('subject') ?? '', text: bytes.toString('utf8') };
}

// Adjacent encoded words are joined as bytes: a character may be split between two.
function decodeEncodedWords(value: string): string {
  return value.replace(/(=\?[^?]+\?[BbQq]\?[^?]*\?=)(\s+=\?[^?]+\?[BbQq]\?[^?]*\?=)*/g, (run) => {
    const words = run.match(/=\?[^?]+\?([BbQq])\?([^?]*)\?=/g) ?? [];
    const bytes = words.map((word) => {
      const [, , kind, data] = /=\?([^?]+)\?([BbQq])\?([^?]*)\?=/.exec(word)!;
      return kind.toUpperCase() === 'B' ? Buffer.from(data, 'base64') : decodeQuotedPrintable(data.replace(/_/g, ' '));
    });
    return Buffer.concat(bytes).toString('utf8');
  });
}

function decodeQuotedPrintable(value: string): Buffer {
  const text = value.replace(/=\n/g, '');
  const bytes: number[] = [];
  for (let index = 0; index < text.length; index += 1) {
    if (text[index] === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(index + 1, index + 3))) {
      bytes.push(parseInt(text.slice(index + 1, index + 3), 16));
      index += 2;
    } else {
      bytes.push(...Buffer.from(text[index], 'utf8'));
    }
  }
  return Buffer.from(bytes);
}
