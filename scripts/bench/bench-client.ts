/**
 * A minimal browser for benchmarks: keeps cookies, reads the hidden form
 * fields, submits the report form and looks up codes, with Node's fetch.
 */
import { cookieHeader, hiddenField, keepCookies, sampleReport } from './bench-forms';

export class BenchClient {
  private cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  async submitReport(photos: Buffer[]): Promise<string> {
    this.cookies.clear();
    const form = await this.get('/report');
    const body = new FormData();
    body.set('_csrf', hiddenField(form, '_csrf'));
    body.set('formToken', hiddenField(form, 'formToken'));
    for (const [name, value] of Object.entries(sampleReport)) body.set(name, value);
    for (const photo of photos) body.append('evidence', new Blob([photo], { type: 'image/jpeg' }), 'photo.jpg');
    const page = await this.post(`/report?_csrf=${encodeURIComponent(hiddenField(form, '_csrf'))}`, body);
    const code = /class="tracking-code"[^>]*>((?:<span>\d{4}<\/span> ){5})/.exec(page)?.[1]?.replace(/\D/g, '');
    if (!code) throw new Error('no tracking code in the answer');
    return code;
  }

  async lookUp(code: string): Promise<void> {
    const form = await this.get('/track');
    const page = await this.post('/track', new URLSearchParams({ _csrf: hiddenField(form, '_csrf'), code }));
    if (!page.includes('action="/track/add')) throw new Error('lookup did not open the case');
  }

  getPage(path: string): Promise<string> {
    return this.get(path);
  }

  private async get(path: string): Promise<string> {
    return this.request(path, { method: 'GET' });
  }

  private async post(path: string, body: FormData | URLSearchParams): Promise<string> {
    return this.request(path, { method: 'POST', body });
  }

  private async request(path: string, init: RequestInit): Promise<string> {
    const response = await fetch(`${this.baseUrl}${path}`, { ...init, headers: { cookie: cookieHeader(this.cookies) }, redirect: 'manual' });
    keepCookies(this.cookies, response);
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${init.method} ${path} answered ${response.status}`);
    return text;
  }
}
