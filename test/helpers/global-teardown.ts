import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  await globalThis.qingfengTestDatabase?.stop();
  const dir = process.env.QINGFENG_TEST_SQLITE_DIR;
  if (dir) rmSync(dir, { recursive: true, force: true });
}
