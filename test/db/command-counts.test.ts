import { connectDatabase } from '../../src/db/connection';
import { testDatabaseServer, uniqueDbName } from '../helpers/db';

describe('counting database commands', () => {
  it('counts our commands by name when asked, and leaves the driver’s housekeeping out', async () => {
    const database = await connectDatabase(testDatabaseServer().uri, uniqueDbName('counts'), {
      monitorCommands: true,
    });
    try {
      const things = database.connection.db!.collection<{ _id: string; n: number }>('things');
      await things.insertOne({ _id: 'a', n: 1 });
      await things.findOne({ _id: 'a' });
      await things.updateOne({ _id: 'a' }, { $inc: { n: 1 } });
      await database.ping();
      expect(database.commandCounts()).toEqual({ 'insert things': 1, 'find things': 1, 'update things': 1 });
    } finally {
      await database.connection.dropDatabase();
      await database.close();
    }
  });
});
