import { describe, expect, it } from 'vitest';
import { linePath, niceTicks, scale } from '../../src/components/appendix/chart';
import { formatBytes, formatFixed } from '../../src/components/kit/format';

describe('appendix charts', () => {
  it('round ticks cover the data range with 1-2-5 steps', () => {
    expect(niceTicks(0, 3000, 6)).toEqual([0, 500, 1000, 1500, 2000, 2500, 3000]);
    expect(niceTicks(3.91, 7.25, 5)).toEqual([3, 4, 5, 6, 7, 8]);
    expect(niceTicks(0.011, 0.756, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8]);
    for (const [lo, hi] of [
      [0.1, 0.7],
      [4.2, 4.5],
      [-3, 11],
    ]) {
      const t = niceTicks(lo, hi);
      expect(t[0]).toBeLessThanOrEqual(lo);
      expect(t[t.length - 1]).toBeGreaterThanOrEqual(hi);
    }
  });

  it('the path puts the domain corners on the box corners, y pointing up', () => {
    const box = { left: 10, right: 110, top: 0, bottom: 50 };
    const domain = { x: [0, 10] as [number, number], y: [0, 1] as [number, number] };
    expect(
      linePath(
        [
          { x: 0, y: 0 },
          { x: 10, y: 1 },
          { x: 5, y: Number.NaN },
        ],
        box,
        domain,
      ),
    ).toBe('M10.00 50.00 L110.00 0.00');
    expect(scale(2.5, [0, 10], 0, 100)).toBe(25);
  });
});

describe('appendix numbers', () => {
  it('writes sizes in decimal units and missing values as a dash', () => {
    expect(formatBytes(388)).toBe('388 bytes');
    expect(formatBytes(12_904)).toBe('12.9 kB');
    expect(formatBytes(2_705_327)).toBe('2.7 MB');
    expect(formatFixed(0.76384069)).toBe('0.764');
    expect(formatFixed(null)).toBe('—');
  });
});
