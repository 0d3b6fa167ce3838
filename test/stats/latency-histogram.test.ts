/**
 * The percentile histograms on their own: the stated error bound holds for every value from 0 ms to
 * beyond 17 minutes, merged histograms answer like one histogram of all values, and stored text
 * with damaged pairs loses only those pairs.
 */
import { describe, expect, it } from "vitest";
import { addHistogram, addHistogramText, emptyHistogram, histogramBucket, histogramPercentile, LAST_BUCKET } from "../../lib/stats/latency-histogram";
import { seededRandom } from "../jobs/job-fixtures";

const histogramOf = (values: number[]) => {
  const histogram = emptyHistogram();
  for (const value of values) histogram[histogramBucket(value)] += 1;
  return histogram;
};
const nearestRank = (values: number[], quantile: number) => [...values].sort((a, b) => a - b)[Math.max(1, Math.ceil(quantile * values.length)) - 1];

describe("latency histograms", () => {
  it("report each single value within 9.1 % + 0.5 ms, exactly below 8 ms", () => {
    for (let value = 0; value < 1_048_576; value += value < 5000 ? 1 : 997) {
      const reported = histogramPercentile(histogramOf([value]), 0.5)!;
      expect(Math.abs(reported - value), `${value} → ${reported}`).toBeLessThanOrEqual(0.091 * value + 0.5);
      if (value < 8) expect(reported).toBe(value);
    }
    expect(histogramBucket(5_000_000)).toBe(LAST_BUCKET);
  });

  it("give p50 and p95 of merged hours as of all their values together, within the bound", () => {
    const random = seededRandom(11);
    const hours = Array.from({ length: 48 }, (_, hour) => Array.from({ length: 50 + hour * 7 }, () => Math.floor(random() * random() * 20_000 * (1 + (hour % 5)))));
    const merged = hours.map(histogramOf).reduce((sum, histogram) => addHistogram(sum, histogram), emptyHistogram());
    const all = hours.flat();
    expect(merged).toEqual(histogramOf(all));
    for (const quantile of [0.5, 0.95]) {
      const exact = nearestRank(all, quantile);
      expect(Math.abs(histogramPercentile(merged, quantile)! - exact)).toBeLessThanOrEqual(0.091 * exact + 0.5);
    }
    expect(histogramPercentile(emptyHistogram(), 0.5)).toBeNull();
  });

  it("reads stored text, skipping damaged pairs only", () => {
    const histogram = addHistogramText(emptyHistogram(), "0:3,5:12,81:1,x:4,7:y,99:2,-1:5,12:,40:2");
    expect(histogram[0]).toBe(3);
    expect(histogram[5]).toBe(12);
    expect(histogram[81]).toBe(1);
    expect(histogram[40]).toBe(2);
    expect(histogram.reduce((sum, count) => sum + count, 0)).toBe(18);
    expect(addHistogramText(emptyHistogram(), null)).toEqual(emptyHistogram());
  });
});
