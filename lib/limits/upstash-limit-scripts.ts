/**
 * Lua scripts of the Upstash limit store. Each runs atomically inside Redis, so one call is one
 * round trip and no other instance can interleave between its reads and writes.
 *
 * Every key a script touches is passed in KEYS (Upstash and Redis Cluster route and lock by KEYS).
 * Numbers travel as decimal strings in ARGV and come back as integers (Redis truncates Lua
 * numbers to integers, so scripts only ever return integral values). No shebang line: Redis 7
 * rejects unknown flags such as Upstash's `allow-key-locking`, so the same script could not run
 * on both.
 */

/**
 * The admission: cooldown check, then every window, then INCRBY in all windows only when all allow.
 *
 * KEYS: [cooldown, current₁, previous₁, current₂, previous₂, …]
 * ARGV: [now, slackMs, limit₁, windowMs₁, cost₁, limit₂, windowMs₂, cost₂, …]
 * Returns: [allowed (0|1), deniedBy (0 none, -1 cooldown, i window), retryAfterMs,
 *           remaining₁, resetAt₁, remaining₂, resetAt₂, …]
 *
 * The window arithmetic mirrors `evaluateWindow` in sliding-window.ts.
 */
export const admitScript = `
local now = tonumber(ARGV[1])
local slack = tonumber(ARGV[2])
local count = (#ARGV - 2) / 3

local function floorDivide(dividend, divisor)
  return math.floor(dividend / divisor)
end

local function evaluate(limit, windowMs, cost, current, previous)
  local bucketStart = floorDivide(now, windowMs) * windowMs
  local elapsed = now - bucketStart
  local resetAt = bucketStart + windowMs
  local used = current + floorDivide(previous * (windowMs - elapsed) + windowMs - 1, windowMs)
  local available = math.max(0, limit - used)
  if used + cost <= limit then
    return true, 0, available, resetAt, bucketStart
  end
  if cost > limit then
    return false, resetAt + windowMs - now, available, resetAt, bucketStart
  end
  local room = limit - current - cost
  if room >= 0 and previous > 0 then
    local fadedEnoughAt = windowMs - floorDivide(room * windowMs, previous)
    if fadedEnoughAt < windowMs then
      return false, bucketStart + fadedEnoughAt - now, available, resetAt, bucketStart
    end
  end
  local nextFadedEnoughAt = 0
  if current > 0 then
    nextFadedEnoughAt = math.max(0, windowMs - floorDivide((limit - cost) * windowMs, current))
  end
  return false, resetAt + nextFadedEnoughAt - now, available, resetAt, bucketStart
end

local result = {1, 0, 0}
local cooldownUntil = tonumber(redis.call('GET', KEYS[1]))
if cooldownUntil and cooldownUntil > now then
  result[1] = 0
  result[2] = -1
  result[3] = cooldownUntil - now
end

local costs, expiries = {}, {}
for index = 1, count do
  local limit = tonumber(ARGV[3 * index])
  local windowMs = tonumber(ARGV[3 * index + 1])
  local cost = tonumber(ARGV[3 * index + 2])
  local current = tonumber(redis.call('GET', KEYS[2 * index])) or 0
  local previous = tonumber(redis.call('GET', KEYS[2 * index + 1])) or 0
  local allowed, retryAfterMs, available, resetAt, bucketStart = evaluate(limit, windowMs, cost, current, previous)
  costs[index] = cost
  expiries[index] = bucketStart + 2 * windowMs - now + slack
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
  result[2 + 2 * index] = available
  result[3 + 2 * index] = resetAt
end

if result[1] == 1 then
  for index = 1, count do
    result[2 + 2 * index] = result[2 + 2 * index] - costs[index]
    if costs[index] > 0 then
      redis.call('INCRBY', KEYS[2 * index], costs[index])
      redis.call('PEXPIRE', KEYS[2 * index], expiries[index])
    end
  end
end
return result
`;

/**
 * Corrections to the current buckets; a counter that would drop to zero or below is deleted.
 *
 * KEYS: [bucket₁, bucket₂, …]
 * ARGV: [amount₁, ttlMs₁, amount₂, ttlMs₂, …]
 */
export const adjustScript = `
for index = 1, #KEYS do
  local amount = tonumber(ARGV[2 * index - 1])
  local value = redis.call('INCRBY', KEYS[index], amount)
  if value <= 0 then
    redis.call('DEL', KEYS[index])
  else
    redis.call('PEXPIRE', KEYS[index], tonumber(ARGV[2 * index]))
  end
end
return #KEYS
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
