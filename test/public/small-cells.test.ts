import { protectCells, type Cell } from '../../src/public/small-cells';

const households = (prefix: string, n: number) =>
  new Set(Array.from({ length: n }, (_, i) => `${prefix}${i}`));
const cell = (id: string, n: number, published = true): Cell => ({
  id,
  value: n,
  households: households(id, n),
  published,
});
const union = (id: string, parts: Cell[]): Cell => {
  const all = new Set<string>();
  for (const part of parts) for (const h of part.households) all.add(h);
  return { id, value: all.size, households: all, published: true };
};

describe('small-cell protection', () => {
  it('hides a cell resting on 1 to 4 households and shows 0 and 5 or more', () => {
    const cells = [cell('a', 0), cell('b', 1), cell('c', 4), cell('d', 5)];
    const { hidden } = protectCells(cells, [], 5);
    expect(Object.fromEntries(hidden)).toEqual({ b: 'small', c: 'small' });
  });

  it('hides a second part when the only hidden part could be worked out from the total', () => {
    const parts = [cell('a', 3), cell('b', 20), cell('c', 8)];
    const total = union('t', parts);
    const { hidden } = protectCells([total, ...parts], [{ total: 't', parts: ['a', 'b', 'c'] }], 5);
    // t - b - c would give a: the smallest other part goes too, and a + c rests on 11 households.
    expect(Object.fromEntries(hidden)).toEqual({ a: 'small', c: 'protects_small' });
  });

  it('keeps hiding until the hidden parts together rest on at least the threshold', () => {
    const parts = [cell('a', 1), cell('b', 1), cell('c', 2), cell('d', 30)];
    const total = union('t', parts);
    const { hidden } = protectCells([total, ...parts], [{ total: 't', parts: ['a', 'b', 'c', 'd'] }], 5);
    // a + b + c = 4 households: the next smallest (d) must go, and then the total shows nothing more.
    expect(Object.fromEntries(hidden)).toEqual({ a: 'small', b: 'small', c: 'small', d: 'protects_small' });
  });

  it('lets two small parts stand hidden together when they reach the threshold', () => {
    const parts = [cell('a', 3), cell('b', 4), cell('c', 9)];
    const total = union('t', parts);
    const { hidden } = protectCells([total, ...parts], [{ total: 't', parts: ['a', 'b', 'c'] }], 5);
    expect(Object.fromEntries(hidden)).toEqual({ a: 'small', b: 'small' });
  });

  it('hides a part of a hidden total when every other part is shown', () => {
    const parts = [cell('a', 6), cell('b', 7)];
    const total = union('t', parts);
    const other = cell('o', 2);
    const nation = union('n', [total, other]);
    const { hidden } = protectCells(
      [nation, total, other, ...parts],
      [
        { total: 'n', parts: ['t', 'o'] },
        { total: 't', parts: ['a', 'b'] },
      ],
      5,
    );
    // o is small, so t is hidden to protect it; then a + b would give t: a goes too.
    expect(Object.fromEntries(hidden)).toEqual({ o: 'small', t: 'protects_small', a: 'protects_small' });
  });

  it('treats a remainder that is never shown as a part a reader can compute', () => {
    const completed = cell('completed', 12);
    const open = cell('open', 2, false);
    const needs = union('needs', [completed, open]);
    const { hidden } = protectCells(
      [needs, completed, open],
      [{ total: 'needs', parts: ['completed', 'open'] }],
      5,
    );
    // needs - completed = 2 families still waiting: completed is hidden.
    expect(Object.fromEntries(hidden)).toEqual({ completed: 'protects_small' });
  });

  it('hides linked cells together', () => {
    const { hidden } = protectCells([cell('families', 3), cell('people', 3)], [], 5, [
      ['families', 'people'],
    ]);
    expect(Object.fromEntries(hidden)).toEqual({ families: 'small', people: 'small' });
  });

  it('follows the threshold it is given', () => {
    const { hidden } = protectCells([cell('a', 7), cell('b', 10)], [], 10);
    expect(Object.fromEntries(hidden)).toEqual({ a: 'small' });
  });
});
