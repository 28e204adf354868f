/** A signed-in member of staff for benchmarks, over real HTTP with Node's fetch. */
import { authenticator } from 'otplib';

/** Keeps cookies and follows nothing, like a careful browser. */
export class StaffClient {
  private cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  async signIn(email: string, password: string, totpSecret: string): Promise<void> {
    const token = /name="_csrf" value="([^"]+)"/.exec(await this.get('/staff'))![1];
    await this.request('/staff/sign-in', { method: 'POST', body: new URLSearchParams({ _csrf: token, email, password }) }, 303);
    await this.request('/staff/sign-in/code', { method: 'POST', body: new URLSearchParams({ _csrf: token, code: authenticator.generate(totpSecret) }) }, 303);
  }

  get(pathname: string): Promise<string> {
    return this.request(pathname, { method: 'GET' }, 200);
  }

  /** A staff form: its token from `formPage`, then the POST, which must redirect. */
  async postForm(formPage: string, pathname: string, fields: Record<string, string>): Promise<void> {
    const token = /name="_csrf" value="([^"]+)"/.exec(await this.get(formPage))![1];
    await this.request(pathname, { method: 'POST', body: new URLSearchParams({ _csrf: token, ...fields }) }, 303);
  }

  private async request(pathname: string, init: RequestInit, expected: number): Promise<string> {
    const response = await fetch(`${this.baseUrl}${pathname}`, { ...init, redirect: 'manual', headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const header of response.headers.getSetCookie()) {
      const [pair] = header.split(';');
      const equals = pair.indexOf('=');
      this.cookies.set(pair.slice(0, equals), pair.slice(equals + 1));
    }
    const body = await response.text();
    if (response.status !== expected) throw new Error(`${init.method} ${pathname} answered ${response.status}`);
    return body;
  }
}
