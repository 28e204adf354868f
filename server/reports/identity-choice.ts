/**
 * Anonymous means anonymous: contact details that arrive with "anonymous"
 * (or with no choice) are never stored; the form comes back and asks the
 * reporter to choose. The page hides the fields unless 留下联系方式 is chosen,
 * so this is what a browser without that CSS, or a hand-made request, meets.
 */
const contactFields = ['name', 'phone', 'email', 'companyName', 'creditCode', 'notifyByEmail'] as const;

export function contactGivenWhileAnonymous(body: unknown): boolean {
  const source = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (source.identityChoice === 'confidential') return false;
  return contactFields.some((field) => typeof source[field] === 'string' && (source[field] as string).trim() !== '');
}
