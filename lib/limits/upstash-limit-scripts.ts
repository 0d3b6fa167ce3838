/**
 * Lua scripts of the Upstash limit store. Each runs atomically inside Redis, so one call is one
 * round trip and no other instance can interleave between its reads and writes.
 *
 * Every key a script touches is passed in KEYS (Upstash and Redis Cluster route and lock by KEYS).
 * Numbers travel as decimal strings in ARGV and come back as integers (Redis truncates Lua
 * numbers to integers, so scripts only ever return integral values). No shebang line: Redis 7
 * rejects unknown flags such as Upstash's `allow-key-locking`.
 */

/**
 * The admission: budget counters, cooldown check, every window, then the concurrency cap;
 * reserves in all of them and takes a lease only when all allow.
 *
 * KEYS: [cooldown, leases, window₁, window₂, …, budget₁, budget₂, …] (a window is a hash:
 *       bucket index -> units; a budget counter a plain integer)
 * ARGV: [now, slackMs, concurrencyLimit (-1: none), leaseId, leaseTtlMs, windowCount,
 *        limit₁, windowMs₁, bucketMs₁, cost₁, limit₂, …,
 *        budgetLimit₁, amount₁, expiresAt₁ (-1: never), seed₁ (-1: none), budgetLimit₂, …]
 * Returns: [allowed (0|1), deniedBy (0 none, -1 cooldown, -2 concurrency, -3 budget,
 *           -4 budget unseeded, i window), retryAfterMs, concurrency slots left,
 *           denied charge (1-based, 0 none), spent₁, spent₂, …, remaining₁, resetAt₁, remaining₂, …]
 * (a budget denial returns before the windows: their part is absent).
 *
 * The window arithmetic mirrors `evaluateWindow` in sliding-window.ts, the budget check
 * `chargeFits` in budget-counter.ts.
 */
export const admitScript = `
local now = tonumber(ARGV[1])
local slack = tonumber(ARGV[2])
local concurrencyLimit = tonumber(ARGV[3])
local count = tonumber(ARGV[6])
local charges = (#ARGV - 6 - 4 * count) / 4
local chargeBase = 6 + 4 * count

-- Budgets first: a counter that is missing without a seed, or a charge that does not fit, ends it.
local spents = {}
for charge = 1, charges do
  local spent = tonumber(redis.call('GET', KEYS[2 + count + charge]))
  local seed = tonumber(ARGV[chargeBase + 4 * charge])
  if not spent and seed >= 0 then spent = seed end
  local denied = 0
  if not spent then
    denied = -4
  elseif spent + tonumber(ARGV[chargeBase + 4 * charge - 2]) > tonumber(ARGV[chargeBase + 4 * charge - 3]) then
    denied = -3
  end
  spents[charge] = spent or -1
  if denied ~= 0 then
    local reply = {0, denied, 0, 0, charge}
    for other = 1, charges do reply[5 + other] = spents[other] or -1 end
    return reply
  end
end

local function floorDivide(dividend, divisor)
  return math.floor(dividend / divisor)
end

-- Reads a window's buckets, deleting those that no longer count; returns them in index order.
local function countedBuckets(key, windowMs, bucketMs)
  local first = floorDivide(now - windowMs - bucketMs + 1, bucketMs)
  local fields = redis.call('HGETALL', key)
  local indexes, units = {}, {}
  for position = 1, #fields, 2 do
    local index = tonumber(fields[position])
    local value = tonumber(fields[position + 1])
    if index < first or value <= 0 then
      redis.call('HDEL', key, fields[position])
    else
      indexes[#indexes + 1] = index
      units[index] = value
    end
  end
  table.sort(indexes)
  return indexes, units
end

local function evaluate(limit, windowMs, bucketMs, cost, indexes, units)
  local used = 0
  for _, index in ipairs(indexes) do used = used + units[index] end
  local available = math.max(0, limit - used)
  if used + cost <= limit then
    local oldestAfter = indexes[1]
    if not oldestAfter and cost > 0 then oldestAfter = floorDivide(now, bucketMs) end
    if oldestAfter then return true, 0, available, (oldestAfter + 2) * bucketMs + windowMs - 1 end
    return true, 0, available, now
  end
  local resetAt = now
  if #indexes > 0 then resetAt = (indexes[1] + 2) * bucketMs + windowMs - 1 end
  if cost > limit then return false, windowMs + 2 * bucketMs, available, resetAt end
  local excess = used + cost - limit
  local freed = 0
  for _, index in ipairs(indexes) do
    freed = freed + units[index]
    if freed >= excess then return false, (index + 2) * bucketMs + windowMs - 1 - now, available, resetAt end
  end
  return false, windowMs + 2 * bucketMs, available, resetAt
end

local result = {1, 0, 0, 0, 0}
for charge = 1, charges do result[5 + charge] = spents[charge] end
local base = 5 + charges
local cooldownUntil = tonumber(redis.call('GET', KEYS[1]))
if cooldownUntil and cooldownUntil > now then
  result[1] = 0
  result[2] = -1
  result[3] = cooldownUntil - now
end

local costs, buckets, lifetimes = {}, {}, {}
for index = 1, count do
  local limit = tonumber(ARGV[4 * index + 3])
  local windowMs = tonumber(ARGV[4 * index + 4])
  local bucketMs = tonumber(ARGV[4 * index + 5])
  local cost = tonumber(ARGV[4 * index + 6])
  local indexes, units = countedBuckets(KEYS[2 + index], windowMs, bucketMs)
  local allowed, retryAfterMs, available, resetAt = evaluate(limit, windowMs, bucketMs, cost, indexes, units)
  costs[index] = cost
  buckets[index] = floorDivide(now, bucketMs)
  lifetimes[index] = windowMs + 2 * bucketMs + slack
  if not allowed then
    if result[2] ~= -1 then
      result[1] = 0
      -- The binding window is the one that needs the longest wait; ties keep the first.
      if retryAfterMs > result[3] then
        result[2] = index
        result[3] = retryAfterMs
      end
    end
  end
  result[base - 1 + 2 * index] = available
  result[base + 2 * index] = resetAt
end

local leases = 0
if concurrencyLimit >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  leases = redis.call('ZCARD', KEYS[2])
  if leases >= concurrencyLimit and result[1] == 1 then
    result[1] = 0
    result[2] = -2
    result[3] = 1000
  end
  result[4] = math.max(0, concurrencyLimit - leases)
end

if result[1] == 1 then
  for index = 1, count do
    result[base - 1 + 2 * index] = result[base - 1 + 2 * index] - costs[index]
    if costs[index] > 0 then
      redis.call('HINCRBY', KEYS[2 + index], buckets[index], costs[index])
      redis.call('PEXPIRE', KEYS[2 + index], lifetimes[index])
    end
  end
  if concurrencyLimit >= 0 then
    local ttl = tonumber(ARGV[5])
    redis.call('ZADD', KEYS[2], now + ttl, ARGV[4])
    redis.call('PEXPIRE', KEYS[2], ttl + slack)
    result[4] = result[4] - 1
  end
  for charge = 1, charges do
    local key = KEYS[2 + count + charge]
    local spent = spents[charge] + tonumber(ARGV[chargeBase + 4 * charge - 2])
    local expiresAt = tonumber(ARGV[chargeBase + 4 * charge - 1])
    -- %.0f: Lua would print a large number in exponent form, which INCRBY cannot read.
    if expiresAt >= 0 then
      redis.call('SET', key, string.format('%.0f', spent), 'PX', math.max(1, expiresAt - now + slack))
    else
      redis.call('SET', key, string.format('%.0f', spent))
    end
    result[5 + charge] = spent
  end
end
return result
`;

/**
 * Corrections to budget counters that exist (a missing one stays missing: its period is over, or
 * the store was flushed and the next admission seeds it from the durable spend). A refund never
 * takes a counter below zero; INCRBY keeps the counter's expiry.
 *
 * KEYS: [budget₁, budget₂, …]
 * ARGV: [amount₁, amount₂, …]
 * Returns: [spent₁, spent₂, …] after the corrections (-1 for a missing counter).
 */
export const settleBudgetsScript = `
local result = {}
for index = 1, #KEYS do
  if redis.call('EXISTS', KEYS[index]) == 1 then
    local spent = redis.call('INCRBY', KEYS[index], ARGV[index])
    if spent < 0 then
      redis.call('INCRBY', KEYS[index], -spent)
      spent = 0
    end
    result[index] = spent
  else
    result[index] = -1
  end
end
return result
`;

/**
 * Corrections to the buckets of earlier reservations; a bucket that would drop to zero or below is
 * deleted, a bucket that no longer counts is left alone.
 *
 * KEYS: [window₁, window₂, …]
 * ARGV: [now, slackMs, bucket₁, amount₁, windowMs₁, bucketMs₁, bucket₂, …]
 */
export const adjustScript = `
local now = tonumber(ARGV[1])
local slack = tonumber(ARGV[2])
for index = 1, #KEYS do
  local bucket = tonumber(ARGV[4 * index - 1])
  local amount = tonumber(ARGV[4 * index])
  local windowMs = tonumber(ARGV[4 * index + 1])
  local bucketMs = tonumber(ARGV[4 * index + 2])
  if bucket >= math.floor((now - windowMs - bucketMs + 1) / bucketMs) then
    local value = redis.call('HINCRBY', KEYS[index], ARGV[4 * index - 1], amount)
    if value <= 0 then
      redis.call('HDEL', KEYS[index], ARGV[4 * index - 1])
    else
      redis.call('PEXPIRE', KEYS[index], windowMs + 2 * bucketMs + slack)
    end
  end
end
return #KEYS
`;

/**
 * Extends a live lease. KEYS: [leases]; ARGV: [now, leaseId, ttlMs, slackMs]. Returns 1 when renewed, 0 when gone.
 */
export const renewLeaseScript = `
local now = tonumber(ARGV[1])
local score = tonumber(redis.call('ZSCORE', KEYS[1], ARGV[2]))
if not score or score <= now then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[2])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[3]) + tonumber(ARGV[4]))
return 1
`;

/** Ends a lease. KEYS: [leases]; ARGV: [leaseId]. */
export const releaseLeaseScript = `
return redis.call('ZREM', KEYS[1], ARGV[1])
`;

/** Counts live leases. KEYS: [leases]; ARGV: [now]. */
export const activeLeasesScript = `
return redis.call('ZCOUNT', KEYS[1], '(' .. ARGV[1], '+inf')
`;

/**
 * Sets a deadline unless a later one is already in place (extend, never shorten). The key's value
 * is the deadline and its PX ttl ends it, so a reader with an injected clock compares the value.
 * Used for cooldowns (deadline = cooldown end); claims use {@link claimScript}, which also takes
 * over an expired deadline.
 *
 * KEYS: [key]
 * ARGV: [deadline, now]
 * Returns 1 when set, 0 when an existing deadline was kept or the deadline is not in the future.
 */
export const extendDeadlineScript = `
local deadline = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
if deadline <= now then return 0 end
local existing = tonumber(redis.call('GET', KEYS[1]))
if existing and existing >= deadline then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', deadline - now)
return 1
`;

/**
 * Set-if-absent against the injected clock: a claim whose stored deadline has passed counts as
 * absent even if Redis has not expired the key yet.
 *
 * KEYS: [key]
 * ARGV: [deadline, now]
 * Returns 1 for the one caller that got the claim, else 0.
 */
export const claimScript = `
local deadline = tonumber(ARGV[1])
local now = tonumber(ARGV[2])
local existing = tonumber(redis.call('GET', KEYS[1]))
if existing and existing > now then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', deadline - now)
return 1
`;
