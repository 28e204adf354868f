/**
 * A browser for the fault drills, over node:http: one cookie jar (cookies
 * belong to a host, not a port, so one jar can talk to two portal instances
 * on 127.0.0.1 as a browser would), a fresh connection for every request
 * (so no request rides on an idle kept-alive connection a shutdown may
 * close), and the moment each request was fully sent, so a drill can tell
 * the requests sent before an event from those sent after it.
 */
import http from 'node:http';

export interface DrillResponse {
  status: number;
  text: string;
  location?: string;
  /** When the request's last byte was handed to the operating system (Date.now()). */
  sentAt: number;
  /** When the answer's last byte arrived. */
  answeredAt: number;
}

/** A request that got no complete answer: `code` is ECONNREFUSED, ECONNRESET, ETRUNCATED, ETIMEDOUT… */
export class DrillRequestError extends Error {
  override name = 'DrillRequestError';
  constructor(
    readonly code: string,
    readonly sentAt: number | undefined,
  ) {
    super(`request failed: ${code}`);
  }
}

const requestTimeoutMs = 30_000;
let unsent = 0;

/** Requests (of any DrillClient) started whose last byte has not yet been handed to the operating system. */
export function requestsNotYetSent(): number {
  return unsent;
}

export class DrillClient {
  private readonly cookies = new Map<string, string>();

  constructor(public baseUrl: string) {}

  get(path: string, baseUrl = this.baseUrl): Promise<DrillResponse> {
    return this.send('GET', new URL(path, baseUrl));
  }

  postForm(path: string, fields: Record<string, string>, baseUrl = this.baseUrl): Promise<DrillResponse> {
    const body = Buffer.from(new URLSearchParams(fields).toString());
    return this.send('POST', new URL(path, baseUrl), body, 'application/x-www-form-urlencoded');
  }

  async postMultipart(path: string, form: FormData, baseUrl = this.baseUrl): Promise<DrillResponse> {
    // Let the platform encode the multipart body, then send it ourselves.
    const encoded = new Request('http://encoder.invalid/', { method: 'POST', body: form });
    const body = Buffer.from(await encoded.arrayBuffer());
    return this.send('POST', new URL(path, baseUrl), body, encoded.headers.get('content-type')!);
  }

  private send(method: string, url: URL, body?: Buffer, contentType?: string): Promise<DrillResponse> {
    unsent += 1;
    return new Promise((resolve, reject) => {
      let sentAt: number | undefined;
      let counted = true;
      const leaveUnsent = () => {
        if (counted) unsent -= 1;
        counted = false;
      };
      const markSent = () => {
        sentAt = Date.now();
        leaveUnsent();
      };
      const fail = (code: string) => {
        leaveUnsent();
        reject(new DrillRequestError(code, sentAt));
      };
      const headers: http.OutgoingHttpHeaders = { connection: 'close', accept: 'text/html' };
      if (this.cookies.size > 0) headers.cookie = [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
      if (body) Object.assign(headers, { 'content-type': contentType, 'content-length': body.length });
      const request = http.request(url, { method, headers, agent: false, timeout: requestTimeoutMs }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? 'ETRUNCATED'));
        response.on('end', () => {
          if (!response.complete) return fail('ETRUNCATED');
          this.keepCookies(response.headers['set-cookie'] ?? []);
          leaveUnsent();
          resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), location: response.headers.location, sentAt: sentAt ?? Date.now(), answeredAt: Date.now() });
        });
      });
      request.on('finish', markSent);
      request.on('timeout', () => request.destroy(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' })));
      request.on('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
      request.end(body);
    });
  }

  private keepCookies(lines: string[]): void {
    for (const line of lines) {
      const [pair, ...attributes] = line.split(';');
      const separator = pair.indexOf('=');
      const name = pair.slice(0, separator).trim();
      const value = pair.slice(separator + 1).trim();
      const expired = attributes.some((attribute) => /^\s*expires=Thu, 01 Jan 1970/i.test(attribute) || /^\s*max-age=0\s*$/i.test(attribute));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}
