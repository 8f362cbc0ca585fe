--[[
  One membership heartbeat: drops members whose heartbeat expired, (re)announces the calling node
  unless it only reads, and returns the live members. Expiry times are on the Redis server's clock
  (TIME), so nodes' clocks never need to agree.

  Input:
    KEYS[1] members sorted set (nodeId scored by the millisecond its heartbeat expires)
    KEYS[2] member urls hash (nodeId -> url)
    ARGV[1] nodeId of the caller, or '' to only read
    ARGV[2] the caller's url
    ARGV[3] ttl, milliseconds: how long this heartbeat keeps the caller alive
    ARGV[4] the channel to publish a notice on when a member joined, changed its url or expired

  Output:
    {nodeId, url, nodeId, url, ...} the live members, in no particular order
]]
local time = redis.call('TIME')
local now_ms = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
-- As text, because Lua would pass a number to Redis as '%.14g' (exponent notation past 14 digits).
local now = string.format('%.0f', now_ms)

local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now)
for _, nodeId in ipairs(expired) do
  redis.call('ZREM', KEYS[1], nodeId)
  redis.call('HDEL', KEYS[2], nodeId)
end
local changed = #expired > 0

if ARGV[1] ~= '' then
  local added = redis.call('ZADD', KEYS[1], string.format('%.0f', now_ms + tonumber(ARGV[3])), ARGV[1])
  local previous = redis.call('HGET', KEYS[2], ARGV[1])
  if previous ~= ARGV[2] then
    redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
  end
  changed = changed or added == 1 or previous ~= ARGV[2]
end

if changed then
  redis.call('PUBLISH', ARGV[4], ARGV[1])
end

local live = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. now, '+inf')
local result = {}
for _, nodeId in ipairs(live) do
  local url = redis.call('HGET', KEYS[2], nodeId)
  if url then
    result[#result + 1] = nodeId
    result[#result + 1] = url
  end
end
return result
