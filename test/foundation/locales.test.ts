import { loadLocale } from '../../server/lib/i18n';

function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keysOf(child, prefix ? `${prefix}.${key}` : key));
}

describe('locale files', () => {
  it('when both languages are loaded, then they define exactly the same keys, none of them empty', () => {
    const zh = loadLocale('zh');
    const en = loadLocale('en');
    expect(keysOf(en).sort()).toEqual(keysOf(zh).sort());
    for (const key of keysOf(zh)) {
      const valueOf = (tree: unknown) => key.split('.').reduce((node: any, part) => node[part], tree);
      expect(String(valueOf(zh)).trim()).not.toBe('');
      expect(String(valueOf(en)).trim()).not.toBe('');
    }
  });
});
