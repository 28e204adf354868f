/**
 * Server-rendered pages with Handlebars. `{{t "key" name=value}}` translates
 * in the page's language; Handlebars escapes the result like any other value.
 */
import path from 'node:path';
import type { Express } from 'express';
import { create, type ExpressHandlebars } from 'express-handlebars';
import type { HelperOptions } from 'handlebars';
import { translate, type Language } from './i18n';
import { projectRoot } from './paths';
import { chinaDateOf } from './china-time';
import { scriptTag } from './script-integrity';

type HandlebarsModule = typeof import('handlebars');

export const viewsDir = path.join(projectRoot, 'views');

export function setUpViews(app: Express, cache: boolean): ExpressHandlebars {
  const engine = create({
    extname: '.hbs',
    defaultLayout: 'main',
    layoutsDir: path.join(viewsDir, 'layouts'),
    partialsDir: path.join(viewsDir, 'partials'),
    // A partial included on an indented line must not indent every line it prints: a reporter's multi-line text is shown as typed (white-space: pre-wrap).
    compilerOptions: { preventIndent: true },
    helpers: {
      t(key: string, options: HelperOptions) {
        const lang = options.data?.root?.lang as Language;
        return translate(lang, key, options.hash);
      },
      eq: (a: unknown, b: unknown) => a === b,
      or: (...args: unknown[]) => args.slice(0, -1).some(Boolean),
      and: (...args: unknown[]) => args.slice(0, -1).every(Boolean),
      not: (value: unknown) => !value,
      array: (...args: unknown[]) => args.slice(0, -1),
      date: (value: unknown) => (value instanceof Date ? chinaDateOf(value) : ''),
      concat: (...args: unknown[]) => args.slice(0, -1).join(''),
      // {{script "copy-text.js"}}: the script tag with its integrity hash (lib/script-integrity.ts).
      script: (name: string) => new (engine.handlebars as HandlebarsModule).SafeString(scriptTag(name)),
      includes: (list: unknown, value: unknown) => Array.isArray(list) && list.includes(value),
      // (dig object "a" key "c"): object.a[key].c, or nothing when a step is missing.
      dig: (...args: unknown[]) => args.slice(1, -1).reduce<unknown>((value, key) => (value !== null && typeof value === 'object' && Object.hasOwn(value, String(key)) ? (value as Record<string, unknown>)[String(key)] : undefined), args[0]),
    },
  });
  app.engine('.hbs', engine.engine);
  app.set('view engine', '.hbs');
  app.set('views', viewsDir);
  app.set('view cache', cache);
  return engine;
}
