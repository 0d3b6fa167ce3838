/**
 * Latency histograms that combine across hours, for p50/p95 over any range.
 *
 * A percentile of a range cannot be computed from the percentiles of its hours, so each row of
 * the per-client rollup (`t_client_usage_stats`: hour, client, provider, key, model) keeps a
 * histogram of its latencies (and of its times to first token) on a fixed log scale:
 * bucket 0 holds 0 ms, bucket i (1..80) holds [2^((i-1)/4), 2^(i/4)) ms (four buckets per doubling),
 * bucket 81 everything from 2^20 ms (about 17.5 minutes) on. Histograms of hours add bucket by
 * bucket, and the log tail not yet rolled up is bucketed by the same SQL expression, so a range's
 * histogram is exactly the histogram of its rows.
 *
 * Error bound: a percentile is reported as the geometric middle of the bucket holding the
 * nearest-rank value, rounded to whole milliseconds, so |reported − exact| ≤ 0.091 · exact + 0.5 ms
 * (2^(1/8) − 1 ≈ 9.1 %; exact below 8 ms, where each bucket holds one integer). Values in the
 * last bucket are reported as its lower bound.
 *
 * Stored as text, `bucket:count` pairs joined by commas, built by GROUP_CONCAT inside the rollup
 * statement. At most 82 pairs of at most 10 characters stay under MySQL's default
 * `group_concat_max_len` (1024) while a row's hour has fewer than a million requests per bucket.
 */
import { sql, type RawBuilder } from "kysely";
import type { SqlDialect } from "../../db/connection";

/** Buckets per doubling. */
const BUCKETS_PER_OCTAVE = 4;
/** The last bucket: every value of at least 2^20 ms. */
export const LAST_BUCKET = 81;
const LAST_BUCKET_FROM = 2 ** ((LAST_BUCKET - 1) / BUCKETS_PER_OCTAVE);

/** Counts per bucket, index = bucket. */
export type Histogram = number[];

/** An empty histogram. */
export function emptyHistogram(): Histogram {
  return new Array<number>(LAST_BUCKET + 1).fill(0);
}

/**
 * The bucket of an integer millisecond column in SQL (NULL for NULL). The tiny epsilon keeps exact
 * powers of two in their own bucket despite floating-point logarithms.
 */
export function histogramBucketSql(column: string, dialect: SqlDialect): RawBuilder<number | null> {
  const ref = sql.ref(column);
  const position = sql`FLOOR(LN(${ref}) * ${BUCKETS_PER_OCTAVE} / LN(2) + 0.000000001)`;
  const integer = dialect === "mysql" ? sql`CAST(${position} AS SIGNED)` : sql`CAST(${position} AS INTEGER)`;
  return sql<number | null>`CASE WHEN ${ref} IS NULL THEN NULL WHEN ${ref} < 1 THEN 0 WHEN ${ref} >= ${LAST_BUCKET_FROM} THEN ${LAST_BUCKET} ELSE 1 + ${integer} END`;
}

/** The bucket of one value, as {@link histogramBucketSql} computes it. */
export function histogramBucket(value: number): number {
  if (value < 1) return 0;
  if (value >= LAST_BUCKET_FROM) return LAST_BUCKET;
  return 1 + Math.floor((Math.log(value) * BUCKETS_PER_OCTAVE) / Math.log(2) + 1e-9);
}

/**
 * GROUP_CONCAT of `bucket:count` pairs over the `bucket` and `bucket_count` columns of the rows
 * where `condition` holds (both dialects skip the NULLs the others give).
 */
export function histogramTextSql(dialect: SqlDialect, condition: RawBuilder<unknown>): RawBuilder<string> {
  return dialect === "mysql"
    ? sql<string>`GROUP_CONCAT(CASE WHEN ${condition} THEN CONCAT(bucket, ':', bucket_count) END ORDER BY bucket SEPARATOR ',')`
    : sql<string>`group_concat(CASE WHEN ${condition} THEN bucket || ':' || bucket_count END, ',')`;
}

/**
 * Adds a stored histogram text into `target`; pairs that are not two integers (bucket in range)
 * are skipped. A hand-rolled scan: a 30-day view by client parses tens of thousands of these.
 */
export function addHistogramText(target: Histogram, text: string | null | undefined): Histogram {
  if (!text) return target;
  let bucket = 0;
  let count = 0;
  let inCount = false;
  let valid = true;
  for (let index = 0; index <= text.length; index += 1) {
    const code = index < text.length ? text.charCodeAt(index) : 44;
    if (code >= 48 && code <= 57) {
      if (inCount) count = count * 10 + code - 48;
      else bucket = bucket * 10 + code - 48;
    } else if (code === 58 && !inCount) {
      inCount = true;
    } else if (code === 44) {
      if (valid && inCount && bucket <= LAST_BUCKET) target[bucket] += count;
      bucket = 0;
      count = 0;
      inCount = false;
      valid = true;
    } else {
      valid = false;
    }
  }
  return target;
}

/** Adds `source` into `target`. */
export function addHistogram(target: Histogram, source: Histogram): Histogram {
  for (let bucket = 0; bucket <= LAST_BUCKET; bucket += 1) target[bucket] += source[bucket];
  return target;
}

/** The value reported for a bucket: its geometric middle, in whole ms, kept inside the bucket. */
function bucketValue(bucket: number): number {
  if (bucket === 0) return 0;
  if (bucket === LAST_BUCKET) return Math.round(LAST_BUCKET_FROM);
  const low = Math.ceil(2 ** ((bucket - 1) / BUCKETS_PER_OCTAVE));
  const high = Math.max(low, Math.ceil(2 ** (bucket / BUCKETS_PER_OCTAVE)) - 1);
  return Math.min(high, Math.max(low, Math.round(2 ** ((bucket - 0.5) / BUCKETS_PER_OCTAVE))));
}

/** The `quantile` (0..1] by nearest rank, within the bound in the file comment; null when empty. */
export function histogramPercentile(histogram: Histogram, quantile: number): number | null {
  const total = histogram.reduce((sum, count) => sum + count, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(quantile * total));
  let seen = 0;
  for (let bucket = 0; bucket <= LAST_BUCKET; bucket += 1) {
    seen += histogram[bucket];
    if (seen >= rank) return bucketValue(bucket);
  }
  return bucketValue(LAST_BUCKET);
}
