/**
 * Which failures mean "the database is away" (503, try again) rather than a
 * defect (500). Built from the MongoDB driver's own error classes, as it
 * throws them.
 */
import { mongo } from 'mongoose';
import { isDatabaseUnavailable } from '../../server/lib/db';

describe('a database that hangs up', () => {
  it('when the connection is lost during a multi-document insert (insertMany), then the wrapped error counts as the database away, not a defect (the database-stop drill once got a 500 here)', () => {
    const lost = new mongo.MongoNetworkError('connection 3 to 127.0.0.1:27017 closed');
    const wrapped = new mongo.MongoBulkWriteError(lost, {} as never);
    expect(wrapped.name).toBe('MongoBulkWriteError');
    expect(isDatabaseUnavailable(wrapped)).toBe(true);
  });

  it('when a multi-document insert fails for its own reasons (a duplicate key), then it is not taken for the database being away', () => {
    const duplicate = new mongo.MongoBulkWriteError({ message: 'E11000 duplicate key error', code: 11000, writeErrors: [] }, {} as never);
    expect(isDatabaseUnavailable(duplicate)).toBe(false);
  });
});
