import mongoose from 'mongoose';

/** Lean queries return BSON Binary where the schema says Buffer. */
export function storedBytes(value: Buffer | mongoose.mongo.Binary | null | undefined): Buffer {
  if (!value) throw new Error('missing stored bytes');
  return Buffer.isBuffer(value) ? value : Buffer.from(value.buffer);
}
