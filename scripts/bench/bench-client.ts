/**
 * A minimal browser for benchmarks: keeps cookies, reads the hidden form
 * fields, submits the report form and looks up codes, with Node's fetch.
 */
export class BenchClient {
  private cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  async submitReport(photos: Buffer[]): Promise<string> {
    this.cookies.clear();
    const form = await this.get('/report');
    const body = new FormData();
    body.set('_csrf', field(form, '_csrf'));
    body.set('formToken', field(form, 'formToken'));
    for (const [name, value] of Object.entries(sampleReport)) body.set(name, value);
    for (const photo of photos) body.append('evidence', new Blob([photo], { type: 'image/jpeg' }), 'photo.jpg');
    const page = await this.post('/report', body);
    const code = /class="tracking-code"[^>]*>((?:<span>\d{4}<\/span> ){4})/.exec(page)?.[1]?.replace(/\D/g, '');
    if (!code) throw new Error('no tracking code in the answer');
    return code;
  }

  async lookUp(code: string): Promise<void> {
    const form = await this.get('/track');
    const page = await this.post('/track', new URLSearchParams({ _csrf: field(form, '_csrf'), code }));
    if (!page.includes('action="/track/add"')) throw new Error('lookup did not open the case');
  }

  private async get(path: string): Promise<string> {
    return this.request(path, { method: 'GET' });
  }

  private async post(path: string, body: FormData | URLSearchParams): Promise<string> {
    return this.request(path, { method: 'POST', body });
  }

  private async request(path: string, init: RequestInit): Promise<string> {
    const response = await fetch(`${this.baseUrl}${path}`, { ...init, headers: { cookie: [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ') }, redirect: 'manual' });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, ...value] = pair.split('=');
      this.cookies.set(name, value.join('='));
    }
    const text = await response.text();
    if (response.status !== 200) throw new Error(`${init.method} ${path} answered ${response.status}`);
    return text;
  }
}

const sampleReport = {
  reporterType: 'resident',
  kind: 'complaint',
  unit: 'xzspj',
  category: 'shirking',
  description: '办理营业执照变更时，窗口人员多次要求补交同一份材料，前后跑了五趟仍未办结。',
  acceptRules: 'yes',
};

function field(html: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];
  if (!value) throw new Error(`no ${name} field`);
  return value;
}
