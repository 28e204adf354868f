/**
 * What an attacker can work out from a published table and its total: the
 * values each hidden cell can still take ("fewer than 5" is 0 to 4,
 * "withheld" is 5 or more). Sums of whole-number ranges are whole-number
 * ranges, so a value is possible exactly when the rest of the remainder
 * fits between the other hidden cells' lowest and highest sums.
 */
export type Published = { kind: 'shown'; value: number } | { kind: 'fewerThanFive' } | { kind: 'withheld' };

const ranges = { fewerThanFive: [0, 4], withheld: [5, Infinity] } as const;

export function possibleValues(cells: Published[], total: number): Array<number[] | null> {
  const remainder = total - cells.reduce((sum, cell) => sum + (cell.kind === 'shown' ? cell.value : 0), 0);
  return cells.map((cell, index) => {
    if (cell.kind === 'shown') return null;
    const others = cells.filter((other, j) => j !== index && other.kind !== 'shown') as Array<Exclude<Published, { kind: 'shown' }>>;
    const low = others.reduce((sum, other) => sum + ranges[other.kind][0], 0);
    const high = others.reduce((sum, other) => sum + ranges[other.kind][1], 0);
    const [own, ownHigh] = ranges[cell.kind];
    const values: number[] = [];
    for (let value = own; value <= Math.min(ownHigh, remainder); value += 1) {
      if (remainder - value >= low && remainder - value <= high) values.push(value);
    }
    return values;
  });
}

/** Hidden small cells that can be pinned to one value above zero. */
export function disclosedSmallCounts(cells: Published[], total: number): number[] {
  return possibleValues(cells, total).flatMap((values, index) => (values && cells[index].kind === 'fewerThanFive' && values.length === 1 && values[0] > 0 ? [index] : []));
}
