/**
 * Browsers for the load benchmark, in the manner of bench-client.ts (Node's
 * fetch, a cookie jar, the hidden form fields), but timing the one request
 * that matters: the POST of a report, of a lookup, the staff pages. And the
 * loops that run them concurrently for a fixed time.
 */
import { authenticator } from 'otplib';
import { cookieHeader, hiddenField, keepCookies, sampleReport } from './bench-forms';


export interface Timed {
  status: number;
  text: string;
  location: string | null;
  ms: number;
}

export class TimedClient {
  private readonly cookies = new Map<string, string>();

  constructor(private readonly baseUrl: string) {}

  get(path: string): Promise<Timed> {
    return this.request(path, { method: 'GET' });
  }

  post(path: string, body: FormData | URLSearchParams): Promise<Timed> {
    return this.request(path, { method: 'POST', body });
  }

  private async request(path: string, init: RequestInit): Promise<Timed> {
    const started = performance.now();
    const cookie = cookieHeader(this.cookies);
    const response = await fetch(`${this.baseUrl}${path}`, { ...init, headers: cookie ? { cookie } : {}, redirect: 'manual' });
    const text = await response.text();
    const ms = performance.now() - started;
    keepCookies(this.cookies, response);
    return { status: response.status, text, location: response.headers.get('location'), ms };
  }
}

/** A new visitor opens the form and sends it; resolves with the POST's time and the code shown. */
export async function submitOnce(baseUrl: string): Promise<{ ms: number; code: string }> {
  const client = new TimedClient(baseUrl);
  const form = await client.get('/report');
  const body = new FormData();
  body.set('_csrf', hiddenField(form.text, '_csrf'));
  body.set('formToken', hiddenField(form.text, 'formToken'));
  for (const [name, value] of Object.entries(sampleReport)) body.set(name, value);
  const page = await client.post(`/report?_csrf=${encodeURIComponent(hiddenField(form.text, '_csrf'))}`, body);
  const code = /class="tracking-code"[^>]*>((?:<span>\d{4}<\/span> ){5})/.exec(page.text)?.[1]?.replace(/\D/g, '');
  if (page.status !== 200 || !code) throw new Error(`POST /report answered ${page.status} without a code`);
  return { ms: page.ms, code };
}

/** A reporter opens /track and looks up their code; resolves with the POST's time. */
export async function lookUpOnce(baseUrl: string, code: string): Promise<number> {
  const client = new TimedClient(baseUrl);
  const form = await client.get('/track');
  const page = await client.post('/track', new URLSearchParams({ _csrf: hiddenField(form.text, '_csrf'), code }));
  if (page.status !== 200 || !page.text.includes('action="/track/add')) throw new Error(`POST /track answered ${page.status} without the case`);
  return page.ms;
}

export interface StaffLogin {
  email: string;
  password: string;
  totpSecret: string;
}

/** Password, then code, through the real forms; resolves with the time of both steps and the signed-in client. */
export async function signIn(baseUrl: string, account: StaffLogin): Promise<{ ms: number; client: TimedClient }> {
  const client = new TimedClient(baseUrl);
  const csrf = hiddenField((await client.get('/staff')).text, '_csrf');
  const password = await client.post('/staff/sign-in', new URLSearchParams({ _csrf: csrf, email: account.email, password: account.password }));
  const code = await client.post('/staff/sign-in/code', new URLSearchParams({ _csrf: csrf, code: authenticator.generate(account.totpSecret) }));
  if (password.status !== 303 || code.status !== 303 || code.location !== '/staff') throw new Error(`sign-in answered ${password.status}, ${code.status} ${code.location}`);
  return { ms: password.ms + code.ms, client };
}

export interface LoopResult {
  completed: number;
  failed: number;
  firstError?: string;
  /** ms of each completed request */
  latencies: number[];
  elapsedMs: number;
}

/**
 * `concurrency` loops, each doing `work` again and again until `durationMs`
 * have passed (a request started before then is waited for).
 */
export async function runLoops(concurrency: number, durationMs: number, work: (loop: number) => Promise<number>): Promise<LoopResult> {
  const result: LoopResult = { completed: 0, failed: 0, latencies: [], elapsedMs: 0 };
  const started = performance.now();
  const deadline = started + durationMs;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, loop) => {
      while (performance.now() < deadline) {
        try {
          result.latencies.push(await work(loop));
          result.completed += 1;
        } catch (error) {
          result.failed += 1;
          result.firstError ??= (error as Error).message;
        }
      }
    }),
  );
  result.elapsedMs = performance.now() - started;
  return result;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}
