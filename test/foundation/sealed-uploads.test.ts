/**
 * Uploaded files wait on disk encrypted, under a key only the process holds,
 * and are gone when the answer is sent. Driven through the real upload
 * middleware over HTTP; the route's handler looks at the disk the way an
 * intruder on the server would.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import express from 'express';
import request from 'supertest';
import { evidenceUpload, readUploadedFiles } from '../../server/lib/uploads';

const marker = Buffer.from('REPORTER-SECRET-PHOTO-BYTES-0042');
const photo = Buffer.concat([Buffer.alloc(200_000, 7), marker, Buffer.alloc(200_000, 9)]);

let root: string;
beforeEach(() => {
  root = mkdtempSync(path.join(os.tmpdir(), 'qingfeng-sealed-uploads-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true }).map((name) => path.join(dir, String(name))).filter((file) => statSync(file).isFile());
}

function appWith(handler: express.RequestHandler) {
  const app = express();
  app.post('/upload', evidenceUpload('evidence', root), handler);
  app.use(((error, _req, res, _next) => res.status(413).send(error.code)) as express.ErrorRequestHandler);
  return app;
}

describe('files waiting to be cleaned', () => {
  it('when a file arrives, then what waits on disk is not the file in clear, reading it back gives the file, and nothing is left once answered', async () => {
    let onDisk: Buffer[] = [];
    let readBack: Buffer[] = [];
    const app = appWith(async (req, res) => {
      onDisk = filesUnder(root).map((file) => readFileSync(file));
      readBack = await readUploadedFiles(req);
      res.send('ok');
    });
    await request(app).post('/upload').attach('evidence', photo, 'IMG_0001.jpg').expect(200);

    expect(onDisk).toHaveLength(1);
    expect(onDisk[0].includes(marker)).toBe(false);
    expect(onDisk[0].length).toBe(photo.length);
    expect(readBack).toHaveLength(1);
    expect(readBack[0].equals(photo)).toBe(true);
    expect(filesUnder(root)).toEqual([]);
  });

  it('when a route answers without reading the files, or a file is over the limit, then nothing is left on disk', async () => {
    const unread = appWith((_req, res) => void res.send('refused'));
    await request(unread).post('/upload').attach('evidence', photo, 'a.jpg').attach('evidence', photo, 'b.jpg').expect(200);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(filesUnder(root)).toEqual([]);

    const tooBig = appWith((_req, res) => void res.send('should not get here'));
    const answer = await request(tooBig).post('/upload').attach('evidence', photo, 'small.jpg').attach('evidence', Buffer.alloc(10 * 1024 * 1024 + 1, 1), 'big.jpg');
    expect([answer.status, answer.text]).toEqual([413, 'LIMIT_FILE_SIZE']);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(filesUnder(root)).toEqual([]);
  });

  it('when a process died with files waiting, then its folder is removed when the next one starts', () => {
    const dead = path.join(root, '999999999-abcdef');
    mkdirSync(dead, { recursive: true });
    const leftover = path.join(dead, 'left.sealed');
    writeFileSync(leftover, 'sealed bytes nobody can open');
    appWith((_req, res) => void res.send('ok'));
    expect(existsSync(dead)).toBe(false);
    expect(readdirSync(root).every((name) => name.startsWith(`${process.pid}-`))).toBe(true);
  });
});
