import { passwordProblem } from '../../server/staff/password-policy';
import { browser, buildTestApp, csrfTokenFrom } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { createAccount, signIn } from './staff-helpers';

const { app, config } = buildTestApp();

beforeAll(useTestDatabase);
afterAll(dropTestDatabase);

describe('password rules (policy)', () => {
  const account = { email: 'gu.xiaoyun@tongzhou.example', name: 'Gu Xiaoyun' };

  it.each([
    ['11 characters', 'abcdefghijk', 'tooShort'],
    ['257 characters', 'a quiet river '.repeat(19).slice(0, 257), 'tooLong'],
    ['a listed password', 'qwertyuiopasdfghjkl', 'common'],
    ['a listed password with digits and symbols added', 'Password2024!!', 'common'],
    ['a listed phrase', 'correct horse battery staple', 'common'],
    ['the email', 'Gu.Xiaoyun@Tongzhou.example', 'personal'],
    ['the part of the email before the @, padded', 'gu.xiaoyun!!2024', 'personal'],
    ['the email inside a sentence', 'write to gu.xiaoyun@tongzhou.example now', 'personal'],
    ['the name, spaced and padded', 'Gu Xiaoyun 2024!!!', 'personal'],
    ['one character repeated', '111111111111111', 'repetitive'],
  ])('when the password is %s, then it is refused as %s', (_, password, problem) => {
    expect(passwordProblem(password, account)).toBe(problem);
  });

  it.each([
    ['a long passphrase with spaces', 'river lanterns drift past the salt canal'],
    ['a Chinese sentence', '春风又绿江南岸，明月何时照我还'],
    ['exactly 12 characters, lower case only', 'tmbvqhxnrwkd'],
    ['12 Chinese characters', '通州湾畔晨雾里有渔船归港'],
  ])('when the password is %s, then it is accepted', (_, password) => {
    expect(passwordProblem(password, account)).toBeUndefined();
  });
});

describe('password rules (the password page)', () => {
  async function changePassword(newPassword: string, confirmPassword = newPassword) {
    const owner = await createAccount(config, { name: 'Chen Jing' });
    const agent = browser(app);
    await signIn(agent, owner);
    const token = await csrfTokenFrom(agent, '/staff/password');
    return { owner, agent, response: await agent.post('/staff/password').type('form').send({ _csrf: token, currentPassword: owner.password, newPassword, confirmPassword }) };
  }

  it('when the new password has 11 characters, then the page comes back with 422 and says it needs 12, without echoing any password', async () => {
    const { owner, response } = await changePassword('abcdefghijk');
    expect(response.status).toBe(422);
    expect(response.text).toContain('密码至少需要12个字符');
    expect(response.text).not.toContain('abcdefghijk');
    expect(response.text).not.toContain(owner.password);
  });

  it('when the new password is a common one, then it is refused', async () => {
    const { response } = await changePassword('password1234');
    expect(response.status).toBe(422);
    expect(response.text).toContain('这是常见密码');
  });

  it('when the two new passwords differ, then it is refused', async () => {
    const { response } = await changePassword('river lanterns drift past the salt canal', 'river lanterns drift past the salt canaL');
    expect(response.status).toBe(422);
    expect(response.text).toContain('两次输入的新密码不一致');
  });

  it('when the new password is a long passphrase with spaces, then it is accepted and signs in from then on', async () => {
    const passphrase = 'the night ferry leaves tongzhou at ten past nine';
    const { owner, response } = await changePassword(passphrase);
    expect(response.status).toBe(303);
    const again = browser(app);
    await signIn(again, { ...owner, password: passphrase }, { steps: 1 }).then((signedIn) => expect(signedIn.headers.location).toBe('/staff'));
  });

  it('when the current password is wrong, then nothing changes and the failure counts toward the lock', async () => {
    const owner = await createAccount(config);
    const agent = browser(app);
    await signIn(agent, owner);
    const token = await csrfTokenFrom(agent, '/staff/password');
    const newPassword = 'a different and long enough sentence';
    const response = await agent.post('/staff/password').type('form').send({ _csrf: token, currentPassword: 'not my password at all', newPassword, confirmPassword: newPassword }).expect(422);
    expect(response.text).toContain('当前密码不正确');
    const attempt = (currentPassword: string) => agent.post('/staff/password').type('form').send({ _csrf: token, currentPassword, newPassword, confirmPassword: newPassword });
    for (let failure = 2; failure <= 5; failure += 1) await attempt(`wrong current password ${failure}`).expect(422);
    // Five failures from this client: even the right current password is now refused, and nothing changed.
    await attempt(owner.password).expect(422);
    const again = browser(app);
    const signInToken = await csrfTokenFrom(again, '/staff');
    await again.post('/staff/sign-in').type('form').send({ _csrf: signInToken, email: owner.email, password: owner.password }).expect(401);
  });
});
