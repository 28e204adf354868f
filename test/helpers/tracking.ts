import type request from 'supertest';
import { csrfTokenFrom } from './app';

export async function lookUp(agent: request.Agent, code: string): Promise<request.Response> {
  const csrf = await csrfTokenFrom(agent, '/track');
  return agent.post('/track').type('form').send({ _csrf: csrf, code });
}

/** The hidden fields of the add-information form on a case page. */
export function addFormFields(html: string): { csrf: string; code: string } {
  const form = html.slice(html.indexOf('action="/track/add'));
  const csrf = /name="_csrf" value="([^"]+)"/.exec(form)?.[1];
  const code = /name="code" value="([^"]+)"/.exec(form)?.[1];
  if (!csrf || !code) throw new Error('no add-information form on the page');
  return { csrf, code };
}

export async function lookUpOk(agent: request.Agent, code: string): Promise<request.Response> {
  const page = await lookUp(agent, code);
  if (page.status !== 200) throw new Error(`lookup answered ${page.status}`);
  return page;
}

/**
 * A "not found" page with what differs by design taken out: the digits the person typed (kept in the field)
 * and the count of tries left. What remains must not depend on which kind of wrong code was sent.
 */
export function withoutEchoedCode(html: string): string {
  return html
    .replace(/(<input type="text" id="code"[^>]*?) value="[^"]*"/, '$1 value=""')
    .replace(/(<p id="code-tries">)[^<]*(<\/p>)/, '$1…$2');
}
