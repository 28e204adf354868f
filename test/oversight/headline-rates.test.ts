/** The headline rates' rule: a whole percentage, only from a base of 5. */
import { rate } from '../../server/oversight/headline-rates';

describe('a headline rate', () => {
  it('when its base is under 5, then it is not shown; from 5 it is a whole percentage', () => {
    expect(rate(4, 4)).toBeNull();
    expect(rate(0, 0)).toBeNull();
    expect(rate(4, 5)).toBe(80);
    expect(rate(2, 3 * 3)).toBe(22);
    expect(rate(5, 5)).toBe(100);
  });
});
