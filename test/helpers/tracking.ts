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
