/** What the benchmark clients share: the report they send, reading hidden fields, keeping cookies. */
export const sampleReport = {
  reporterType: 'resident',
  kind: 'complaint',
  unit: 'xzspj',
  category: 'shirking',
  description: '办理营业执照变更时，窗口人员多次要求补交同一份材料，前后跑了五趟仍未办结。',
  acceptRules: 'yes',
};

export function hiddenField(html: string, name: string): string {
  const value = new RegExp(`name="${name}" value="([^"]+)"`).exec(html)?.[1];
  if (!value) throw new Error(`no ${name} field`);
  return value;
}

export function cookieHeader(cookies: Map<string, string>): string {
  return [...cookies].map(([name, value]) => `${name}=${value}`).join('; ');
}

export function keepCookies(cookies: Map<string, string>, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const separator = pair.indexOf('=');
    cookies.set(pair.slice(0, separator), pair.slice(separator + 1));
  }
}
