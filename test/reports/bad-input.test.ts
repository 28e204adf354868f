/**
 * Every bad input gets a 4xx with a message in the user's language and
 * stores nothing.
 */
import sharp from 'sharp';
import zlib from 'node:zlib';
import { seedTaxonomy } from '../../server/cases/taxonomy/taxonomy-seed';
import { browser, buildTestApp } from '../helpers/app';
import { dropTestDatabase, useTestDatabase } from '../helpers/database';
import { countDocuments, openReportForm, postReport, validReport, type Attachment } from '../helpers/reports';

const { app } = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '1000' });

beforeAll(async () => {
  await useTestDatabase();
  await seedTaxonomy();
});
afterAll(dropTestDatabase);

async function expectNothingStored(send: () => Promise<{ status: number; text: string }>, status: number, message: string): Promise<void> {
  const before = await countDocuments();
  const response = await send();
  expect(response.status).toBe(status);
  expect(response.text).toContain(message);
  expect(response.text).not.toMatch(/at .*\.(js|ts):\d+/);
  const after = await countDocuments();
  expect(after.cases ?? 0).toBe(before.cases ?? 0);
  expect(after.attachments ?? 0).toBe(before.attachments ?? 0);
}

async function submit(fields: Record<string, string | string[]>, files: Attachment[] = []) {
  const agent = browser(app);
  const form = await openReportForm(agent);
  return postReport(agent, form, fields, files);
}

function pngClaiming(width: number, height: number): Buffer {
  const crcTable = Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  const crc = (bytes: Buffer) => {
    let c = 0xffffffff;
    for (const byte of bytes) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
    return (c ^ 0xffffffff) >>> 0;
  };
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc(body), 8 + data.length);
    return out;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8;
  header[9] = 2;
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', zlib.deflateSync(Buffer.alloc(64))), chunk('IEND', Buffer.alloc(0))]);
}

describe('refused report input', () => {
  it('when required fields are missing, then the form comes back with 422, a message per field, and what was typed', async () => {
    await expectNothingStored(async () => {
      const page = await submit({ kind: 'complaint', description: '太短了', whenWhere: '某天某地<script>x</script>' });
      expect(page.text).toContain('请选择您的身份');
      expect(page.text).toContain('请填写具体情况，20至5000字');
      expect(page.text).toContain('请从列表中选择涉及单位');
      expect(page.text).toContain('请阅读并同意须知后再提交');
      expect(page.text).toContain('某天某地&lt;script&gt;x&lt;/script&gt;');
      expect(page.text).not.toContain('<script>x</script>');
      return page;
    }, 422, '请检查以下问题');
  });

  it('when the description is over 5,000 characters, then it is refused', async () => {
    await expectNothingStored(() => submit({ ...validReport, description: '拖'.repeat(5001) }), 422, '请填写具体情况');
  });

  it('when a field carries an operator object, then it is refused', async () => {
    await expectNothingStored(() => submit({ ...validReport, unit: '', 'unit[$ne]': 'x' } as Record<string, string>), 422, '请从列表中选择涉及单位');
  });

  it('when a field is repeated to make an array, then it is refused', async () => {
    await expectNothingStored(() => submit({ ...validReport, description: [validReport.description, validReport.description] }), 422, '请填写具体情况');
  });

  it('when prototype keys or unknown fields are sent, then the request is refused as tampered', async () => {
    await expectNothingStored(() => submit({ ...validReport, __proto__: 'x', admin: 'true' } as unknown as Record<string, string>), 400, '请求无效');
    await expectNothingStored(() => submit({ ...validReport, 'constructor[prototype][polluted]': 'yes' }), 400, '请求无效');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('when the honeypot is filled, then nothing is stored', async () => {
    await expectNothingStored(() => submit({ ...validReport, contactNotes: 'http://spam.example' }), 400, '请求无效');
  });

  it('when a unit or category that is not on the list is sent, then it is refused with the field message', async () => {
    await expectNothingStored(() => submit({ ...validReport, unit: 'no-such-unit' }), 422, '请从列表中选择涉及单位');
    await expectNothingStored(() => submit({ ...validReport, category: 'no-such-category' }), 422, '请从列表中选择问题类型');
  });

  it('when contact details are chosen but malformed, then each gets its message', async () => {
    await expectNothingStored(async () => {
      const page = await submit({ ...validReport, identityChoice: 'confidential', name: '', email: 'not-an-email', creditCode: 'SHORT' });
      expect(page.text).toContain('请填写姓名');
      expect(page.text).toContain('统一社会信用代码应为18位');
      return page;
    }, 422, '请填写有效的电子邮箱');
  });

  it('when six files are attached, then it is refused', async () => {
    const photo = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } }).jpeg().toBuffer();
    const files = Array.from({ length: 6 }, (_, i) => ({ bytes: photo, filename: `p${i}.jpg`, contentType: 'image/jpeg' }));
    await expectNothingStored(() => submit(validReport, files), 422, '最多可以上传5个文件');
  });

  it('when an 11 MB file is attached, then it is refused', async () => {
    await expectNothingStored(() => submit(validReport, [{ bytes: Buffer.alloc(11 * 1024 * 1024, 1), filename: 'big.pdf', contentType: 'application/pdf' }]), 422, '文件超过10MB，未予接收');
  });

  it('when an executable is named .jpg, then it is refused by content', async () => {
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(200)]);
    await expectNothingStored(() => submit(validReport, [{ bytes: elf, filename: 'photo.jpg', contentType: 'image/jpeg' }]), 422, '只接受JPEG、PNG、WebP图片或PDF文件');
  });

  it('when a good photo comes before a file that is refused, then the photo is not kept either', async () => {
    const photo = await sharp({ create: { width: 64, height: 48, channels: 3, background: '#0a0' } }).jpeg().toBuffer();
    const elf = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]), Buffer.alloc(200)]);
    const before = await countDocuments();
    await expectNothingStored(() => submit(validReport, [
      { bytes: photo, filename: 'good.jpg', contentType: 'image/jpeg' },
      { bytes: elf, filename: 'photo.jpg', contentType: 'image/jpeg' },
    ]), 422, '第2个文件');
    expect((await countDocuments()).attachments_unclaimed ?? 0).toBe(before.attachments_unclaimed ?? 0);
  });

  it('when a PNG header claims 30000×30000 pixels, then it is refused as too large', async () => {
    await expectNothingStored(() => submit(validReport, [{ bytes: pngClaiming(30000, 30000), filename: 'bomb.png', contentType: 'image/png' }]), 422, '图片尺寸过大');
  });

  it('when JSON or another content type is posted, then it is refused unread', async () => {
    const agent = browser(app);
    await openReportForm(agent);
    await expectNothingStored(() => agent.post('/report').send({ ...validReport }), 415, '无法处理的提交格式');
    await expectNothingStored(() => agent.post('/report').set('Content-Type', 'text/plain').send('hello'), 415, '无法处理的提交格式');
  });

  it('when a multipart body is truncated, then it is refused with 400', async () => {
    const agent = browser(app);
    const form = await openReportForm(agent);
    const boundary = '----qingfengtruncated';
    const body = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${form.csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="description"\r\n\r\n一半的内容`;
    await expectNothingStored(() => agent.post(`/report?_csrf=${encodeURIComponent(form.csrf)}`).set('Content-Type', `multipart/form-data; boundary=${boundary}`).send(body), 400, '请求无效');
  });

  it('when the CSRF token is missing from a multipart submission, then it is refused', async () => {
    const agent = browser(app);
    const form = await openReportForm(agent);
    await expectNothingStored(() => postReport(agent, { ...form, csrf: 'forged' }, validReport), 403, '页面已过期');
  });

  it('when a form token is forged, then the form comes back asking to submit again, and nothing is stored', async () => {
    const agent = browser(app);
    const form = await openReportForm(agent);
    await expectNothingStored(() => postReport(agent, { ...form, formToken: 'forged.token' }, validReport), 422, '此表单已过期');
  });

  it('when a client submits more than its hourly limit, then the excess comes back as the form with 429 and is not stored', async () => {
    const limited = buildTestApp({ REPORTS_PER_HOUR_PER_CLIENT: '2' }).app;
    const statuses: number[] = [];
    let last = '';
    const before = (await countDocuments()).cases ?? 0;
    for (let i = 0; i < 3; i += 1) {
      const agent = browser(limited);
      const page = await postReport(agent, await openReportForm(agent), validReport);
      statuses.push(page.status);
      last = page.text;
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect(last).toContain('您的反映尚未提交');
    expect(last).toContain(validReport.description);
    expect((await countDocuments()).cases).toBe(before + 2);
  });
});
