import { groupCommit } from '../../src/db/group-commit';

describe('group commit', () => {
  it('writes a lone caller at once, and the callers that come during a write together in the next one', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const write = groupCommit(async (items: number[]) => {
      writes.push(items);
      if (writes.length === 1) await first;
      return items.map((item) => item * 10);
    });
    const a = write([1]);
    const b = write([2, 3]);
    const c = write([4]);
    release();
    expect(await Promise.all([a, b, c])).toEqual([[10], [20, 30], [40]]);
    expect(writes).toEqual([[1], [2, 3, 4]]);
  });

  it('fails every caller whose items a failed write carried, and goes on with the next ones', async () => {
    let calls = 0;
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const write = groupCommit(async (items: string[]) => {
      calls++;
      if (calls === 1) await first;
      if (calls === 2) throw new Error('database gone');
      return items;
    });
    const lone = write(['a']);
    const failing = [write(['b']), write(['c'])];
    release();
    expect(await lone).toEqual(['a']);
    await expect(failing[0]).rejects.toThrow('database gone');
    await expect(failing[1]).rejects.toThrow('database gone');
    expect(await write(['d'])).toEqual(['d']);
  });

  it('keeps a batch within its size and answers an empty call without a write', async () => {
    const writes: number[][] = [];
    let release!: () => void;
    const first = new Promise<void>((resolve) => (release = resolve));
    const write = groupCommit(
      async (items: number[]) => {
        writes.push(items);
        if (writes.length === 1) await first;
        return items;
      },
      { maxBatch: 2 },
    );
    const calls = [write([1]), write([2]), write([3]), write([4]), write([])];
    release();
    await Promise.all(calls);
    expect(writes).toEqual([[1], [2, 3], [4]]);
  });
});
