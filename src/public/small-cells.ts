/**
 * Small-cell protection for everything the public sees (see shared reference "public-data").
 *
 * Published figures are cells; a cell rests on a set of households. Readers know how cells add up
 * (a province is the sum of its districts, a year the sum of its months), so every such sum is a
 * relation `total = parts`. A cell is hidden when it rests on 1 to threshold-1 households (primary
 * suppression). Then, wherever a visible total has hidden parts, the hidden parts together are
 * what a reader can compute by subtraction: that group must rest on no household or on at least
 * `threshold` households, or one more part is hidden (complementary suppression), the smallest first.
 * A hidden total whose parts are all visible would be given away by adding them up: one part is
 * hidden too. This repeats until nothing changes; it only ever hides more, so it ends.
 *
 * Parts that are never published (a "not yet helped" remainder) take part as hidden cells: they are
 * what the reader could compute, and are checked like any other group.
 */

export type CellId = string;

export type Cell = {
  id: CellId;
  /** The published number (cases, people...). */
  value: number;
  /** Who the number rests on: the threshold is about households, not about the number shown. */
  households: ReadonlySet<string>;
  /** False for a remainder a reader can compute but that is not shown by itself. */
  published: boolean;
};

export type Relation = { total: CellId; parts: CellId[] };

export type HiddenReason = 'small' | 'protects_small';

export type Protection = {
  /** Why each hidden published cell is hidden. Cells absent here are shown as they are. */
  hidden: Map<CellId, HiddenReason>;
  isVisible(id: CellId): boolean;
};

/** How many distinct households a group of cells rests on. */
function householdsOf(cells: Cell[]): number {
  const union = new Set<string>();
  for (const cell of cells) for (const household of cell.households) union.add(household);
  return union.size;
}

/**
 * Cells told about the same households (the families helped and the people in them): when one is
 * hidden, the others would show the hidden group's size in another unit, so they go too.
 */
export type Linked = CellId[];

export function protectCells(
  cells: Cell[],
  relations: Relation[],
  threshold: number,
  linked: Linked[] = [],
): Protection {
  const byId = new Map(cells.map((cell) => [cell.id, cell]));
  const cell = (id: CellId) => {
    const found = byId.get(id);
    if (!found) throw new Error(`unknown cell ${id}`);
    return found;
  };
  const hidden = new Map<CellId, HiddenReason>();
  const isHidden = (id: CellId) => !cell(id).published || hidden.has(id);

  for (const c of cells) {
    const n = c.households.size;
    if (c.published && n > 0 && n < threshold) hidden.set(c.id, 'small');
  }

  // A remainder that is never shown is no secret unless it is small; a hidden published cell always is.
  const isSecret = (c: Cell) =>
    hidden.has(c.id) || (!c.published && c.households.size > 0 && c.households.size < threshold);

  /** The smallest visible part that is not nothing (a visible 0 gives nothing away). */
  const nextToHide = (parts: Cell[]) =>
    parts
      .filter((part) => !isHidden(part.id) && part.households.size > 0)
      .sort((a, b) => a.households.size - b.households.size || a.id.localeCompare(b.id))[0];

  for (let changed = true; changed;) {
    changed = false;
    for (const relation of relations) {
      const parts = relation.parts.map(cell);
      if (parts.length === 0) continue;
      if (!isHidden(relation.total)) {
        const group = parts.filter((part) => isHidden(part.id));
        const size = householdsOf(group);
        if (size === 0 || size >= threshold) continue;
        const extra = nextToHide(parts);
        if (extra) hidden.set(extra.id, 'protects_small');
        else hidden.set(relation.total, 'protects_small');
        changed = true;
      } else if (isSecret(cell(relation.total)) && parts.every((part) => !isHidden(part.id))) {
        const extra = nextToHide(parts);
        if (!extra) continue; // all parts are 0: the total is 0 and hides nothing
        hidden.set(extra.id, 'protects_small');
        changed = true;
      }
    }
    for (const group of linked) {
      const reason = group.map((id) => hidden.get(id)).find(Boolean);
      if (!reason) continue;
      for (const id of group) {
        if (hidden.has(id) || !cell(id).published) continue;
        hidden.set(id, reason === 'small' ? 'small' : 'protects_small');
        changed = true;
      }
    }
  }
  for (const id of [...hidden.keys()]) if (!cell(id).published) hidden.delete(id);
  return { hidden, isVisible: (id) => !isHidden(id) };
}
