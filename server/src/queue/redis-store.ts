import type { RedisClient } from '../redis'
import type { AdmitOptions, ClosedReason, Entry, QueueStore } from './store'

// Every key of one drop carries the drop id as a hash tag, so that each script's keys sit in one slot (Redis
// Cluster). Order matters: the scripts address them as KEYS[1..11].
const PARTS = ['pre', 'line', 'seq', 'sealed', 'adm', 'log', 'bought', 'expired', 'gone', 'used', 'bucket'] as const
// Keys outlive any drop's line by far, and still go away by themselves.
const KEY_TTL_MS = 3 * 24 * 3600 * 1000

/** Redis's clock, so that instances with skewed clocks agree on pre-queue, expiry and rate. */
const NOW = `local t = redis.call('TIME') local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)`
const TOUCH = `for i = 1, #KEYS do redis.call('PEXPIRE', KEYS[i], ${KEY_TTL_MS}) end`

/** A buyer's entry: bought › admitted › expired › waiting › pre-queue › closed; false = not in line. */
const ENTRY = `
local function entry(u)
  if redis.call('SISMEMBER', KEYS[7], u) == 1 then return {'bought'} end
  local e = redis.call('ZSCORE', KEYS[5], u)
  if e then return {'admitted', e} end
  if redis.call('SISMEMBER', KEYS[8], u) == 1 then return {'expired'} end
  local r = redis.call('ZRANK', KEYS[2], u)
  if r then return {'waiting', r} end
  if redis.call('SISMEMBER', KEYS[1], u) == 1 then return {'pre_queue'} end
  local g = redis.call('HGET', KEYS[9], u)
  if g then return {'closed', g} end
  return false
end`

const JOIN = `${NOW} ${ENTRY}
local u = ARGV[1]
local e = entry(u)
if e and not (e[1] == 'closed' and e[2] == 'sold_out' and ARGV[3] == '1') then return e end
if redis.call('EXISTS', KEYS[4]) == 1 then
  redis.call('HDEL', KEYS[9], u)
  redis.call('ZADD', KEYS[2], redis.call('INCR', KEYS[3]), u)
  ${TOUCH}
  return {'waiting', redis.call('ZRANK', KEYS[2], u)}
end
if now >= tonumber(ARGV[2]) then return {'needs_seal'} end
redis.call('HDEL', KEYS[9], u)
redis.call('SADD', KEYS[1], u)
${TOUCH}
return {'pre_queue'}`

const SEAL = `${NOW}
if redis.call('EXISTS', KEYS[4]) == 1 then return 0 end
if now < tonumber(ARGV[1]) then return -1 end
local n = 0
for i = 2, #ARGV do
  if redis.call('SREM', KEYS[1], ARGV[i]) == 1 then
    n = n + 1
    redis.call('ZADD', KEYS[2], n, ARGV[i])
  end
end
for _, u in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  n = n + 1
  redis.call('ZADD', KEYS[2], n, u)
end
redis.call('DEL', KEYS[1])
redis.call('SET', KEYS[3], n)
redis.call('SET', KEYS[4], '1')
${TOUCH}
return 1`

// A token bucket shared by all instances: credit grows at ARGV[1] per second up to a burst of ARGV[4].
const ADMIT = `${NOW}
local rate, ttl, capacity, burst = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local late = redis.call('ZRANGEBYSCORE', KEYS[5], '-inf', now)
for _, u in ipairs(late) do
  redis.call('ZREM', KEYS[5], u)
  redis.call('SADD', KEYS[8], u)
end
local b = redis.call('HMGET', KEYS[11], 'credit', 'last')
local credit, last = tonumber(b[1]) or 1, tonumber(b[2]) or now
credit = math.min(burst, credit + math.max(0, now - last) * rate / 1000)
-- Outstanding admissions: at least the count taken before the stock was read, less those this call just
-- expired (admitted a TTL ago, so in that count), plus every admission since.
local outstanding = redis.call('ZCARD', KEYS[5])
if ARGV[5] ~= '' then
  outstanding = math.max(outstanding, tonumber(ARGV[5]) - #late + redis.call('ZCOUNT', KEYS[6], ARGV[6], '+inf'))
end
local n = math.floor(math.min(credit, capacity - outstanding))
local admitted = {}
if n > 0 then
  local popped = redis.call('ZPOPMIN', KEYS[2], n)
  for i = 1, #popped, 2 do
    local u = popped[i]
    redis.call('ZADD', KEYS[5], now + ttl, u)
    redis.call('ZADD', KEYS[6], now, u)
    admitted[#admitted + 1] = u
  end
  credit = credit - #admitted
end
redis.call('HSET', KEYS[11], 'credit', tostring(credit), 'last', now)
${TOUCH}
return {admitted, late, now + ttl}`

const OUTSTANDING = `${NOW}
return {redis.call('ZCARD', KEYS[5]), now}`

const CLOSE = `
local told = {}
local function close(u)
  redis.call('HSET', KEYS[9], u, ARGV[1])
  told[#told + 1] = u
end
for _, u in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do close(u) end
for _, u in ipairs(redis.call('SMEMBERS', KEYS[1])) do close(u) end
for _, u in ipairs(redis.call('ZRANGE', KEYS[5], 0, -1)) do
  if redis.call('HEXISTS', KEYS[10], u) == 0 then
    redis.call('ZREM', KEYS[5], u)
    close(u)
  end
end
redis.call('DEL', KEYS[1], KEYS[2])
return told`

const ENTRIES = `${ENTRY}
local out = {}
for i = 1, #ARGV do out[i] = entry(ARGV[i]) or {'none'} end
return out`

const CONSUME = `
if redis.call('HSETNX', KEYS[10], ARGV[1], ARGV[2]) == 1 then return 'fresh' end
if redis.call('HGET', KEYS[10], ARGV[1]) == ARGV[2] then return 'same' end
return 'other'`

const SETTLE = `
redis.call('ZREM', KEYS[5], ARGV[1])
if ARGV[2] == '1' then
  redis.call('SADD', KEYS[7], ARGV[1])
  redis.call('SREM', KEYS[8], ARGV[1])
  redis.call('HDEL', KEYS[9], ARGV[1])
elseif redis.call('SISMEMBER', KEYS[7], ARGV[1]) == 0 then
  redis.call('SREM', KEYS[8], ARGV[1])
  redis.call('HSET', KEYS[9], ARGV[1], 'order_refused')
end
return 1`

const STATS = `${NOW}
return {redis.call('ZCARD', KEYS[2]) + redis.call('SCARD', KEYS[1]), redis.call('ZCARD', KEYS[6]), redis.call('SCARD', KEYS[7]),
  redis.call('SCARD', KEYS[8]), redis.call('ZCOUNT', KEYS[6], now - 10000, '+inf')}`

const SCRIPTS = { queueJoin: JOIN, queueSeal: SEAL, queueAdmit: ADMIT, queueOutstanding: OUTSTANDING, queueClose: CLOSE, queueEntries: ENTRIES, queueConsume: CONSUME, queueSettle: SETTLE, queueStats: STATS }
type Script = keyof typeof SCRIPTS
type Raw = [string, string?]

function toEntry(raw: Raw): Entry | null {
  switch (raw[0]) {
    case 'waiting': return { status: 'waiting', ahead: Number(raw[1]) }
    case 'admitted': return { status: 'admitted', expiresAtMs: Number(raw[1]) }
    case 'closed': return { status: 'closed', reason: raw[1] as ClosedReason }
    case 'pre_queue': case 'bought': case 'expired': return { status: raw[0] }
    default: return null
  }
}

export function createRedisQueueStore(client: RedisClient, prefix: string): QueueStore {
  for (const [name, lua] of Object.entries(SCRIPTS)) {
    if (!(name in client)) client.defineCommand(name, { numberOfKeys: PARTS.length, lua })
  }
  const keys = (dropId: string) => PARTS.map((p) => `${prefix}queue:{${dropId}}:${p}`)
  const run = <T>(script: Script, dropId: string, ...args: Array<string | number>): Promise<T> =>
    (client as any)[script](...keys(dropId), ...args) as Promise<T>
  const activeKey = `${prefix}queue:active`
  return {
    kind: 'redis',
    async join(dropId, userId, startsAtMs, rejoin) {
      const raw = await run<Raw>('queueJoin', dropId, userId, startsAtMs, rejoin ? '1' : '0')
      return raw[0] === 'needs_seal' ? 'needs_seal' : toEntry(raw)!
    },
    isSealed: async (dropId) => (await client.exists(keys(dropId)[3])) === 1,
    preQueue: (dropId) => client.smembers(keys(dropId)[0]),
    seal: async (dropId, startsAtMs, order) => (await run<number>('queueSeal', dropId, startsAtMs, ...order)) === 1,
    async admit(dropId, o: AdmitOptions) {
      const burst = Math.max(1, o.rate / 2)
      const [admitted, expired, expiresAtMs] = await run<[string[], string[], number]>('queueAdmit', dropId, o.rate, o.ttlMs, o.capacity, burst, o.before?.count ?? '', o.before?.atMs ?? '')
      return { admitted: admitted.map((userId) => ({ userId, expiresAtMs: Number(expiresAtMs) })), expired }
    },
    async outstanding(dropId) {
      const [count, atMs] = await run<[number, number]>('queueOutstanding', dropId)
      return { count, atMs }
    },
    close: (dropId, reason) => run<string[]>('queueClose', dropId, reason),
    async entries(dropId, userIds) {
      if (!userIds.length) return []
      return (await run<Raw[]>('queueEntries', dropId, ...userIds)).map(toEntry)
    },
    consume: (dropId, userId, key) => run<'fresh' | 'same' | 'other'>('queueConsume', dropId, userId, key),
    spentBy: (dropId, userId) => client.hget(keys(dropId)[9], userId),
    settle: async (dropId, userId, confirmed) => void (await run('queueSettle', dropId, userId, confirmed ? '1' : '0')),
    async stats(dropId) {
      const [waiting, admitted, bought, expired, admittedLast10s] = await run<number[]>('queueStats', dropId)
      return { waiting, admitted, bought, expired, admittedLast10s }
    },
    spendChallenge: async (id, ttlMs) => (await client.set(`${prefix}queue:pow:${id}`, '1', 'PX', ttlMs, 'NX')) === 'OK',
    activate: async (dropId) => void (await client.sadd(activeKey, dropId)),
    deactivate: async (dropId) => void (await client.srem(activeKey, dropId)),
    active: () => client.smembers(activeKey),
  }
}
