/** Registering a service window and rating it over HTTP, as an administrator's and a resident's browsers would. */
import type request from 'supertest';
import { csrfTokenFrom } from '../helpers/app';

export const windowThree = { unit: 'xzspj', hall: '区政务服务中心一楼', number: '3' };

/** Registers a window as the signed-in administrator; its short id. */
export async function registerWindow(admin: request.Agent, fields: Record<string, string> = windowThree): Promise<string> {
  const token = await csrfTokenFrom(admin, '/staff/admin/windows');
  const saved = await admin.post('/staff/admin/windows').type('form').send({ _csrf: token, ...fields }).expect(303);
  const id = /registered=([a-z0-9]{6})$/.exec(saved.headers.location)?.[1];
  if (!id) throw new Error(`no window id in ${saved.headers.location}`);
  return id;
}

export interface RatingForm {
  csrf: string;
  formToken: string;
}

export async function openRating(agent: request.Agent, windowId: string): Promise<RatingForm> {
  const page = await agent.get(`/w/${windowId}`).expect(200);
  return { csrf: /name="_csrf" value="([^"]+)"/.exec(page.text)![1], formToken: /name="formToken" value="([^"]+)"/.exec(page.text)![1] };
}

/** Opens the window's page (unless the form is given) and sends a rating; .expect(status) checks the answer's status. */
export function rateWindow(agent: request.Agent, windowId: string, fields: Record<string, string>, form?: RatingForm): { expect(status: number): Promise<request.Response> } {
  return {
    expect: async (status) => {
      const { csrf, formToken } = form ?? (await openRating(agent, windowId));
      const answer = await agent.post(`/w/${windowId}`).type('form').send({ _csrf: csrf, formToken, ...fields });
      if (answer.status !== status) throw new Error(`expected ${status}, got ${answer.status}: ${answer.text.slice(0, 300)}`);
      return answer;
    },
  };
}

export async function switchToEnglish(agent: request.Agent): Promise<void> {
  const token = await csrfTokenFrom(agent, '/');
  await agent.post('/language').type('form').send({ _csrf: token, returnTo: '/', lang: 'en' }).expect(303);
}
