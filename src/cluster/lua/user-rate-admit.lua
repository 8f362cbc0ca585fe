--[[
  Admits one command of a user under a GCRA rate limit shared by every node (see
  src/gateway/user-rate-limiter.ts for the algorithm; this is the same step, done atomically in Redis).

  Input:
    KEYS[1] the user's rate key (holds the user's "theoretical arrival time", epoch ms, as text)
    ARGV[1] now, epoch milliseconds (the calling node's clock; nodes' clocks agree within a few ms)
    ARGV[2] emission interval, milliseconds (1000 / commands per second; may be fractional)
    ARGV[3] burst (commands that may come at once)

  Output:
    1 admitted (the key moved on by one interval, expiring when the debt is paid)
    0 refused (nothing changed)
]]
local now = tonumber(ARGV[1])
local interval = tonumber(ARGV[2])
local burst = tonumber(ARGV[3])
local tat = tonumber(redis.call('GET', KEYS[1]) or '') or now
if tat < now then
  tat = now
end
local next = tat + interval
if next - now > burst * interval + 1e-9 then
  return 0
end
redis.call('SET', KEYS[1], string.format('%.3f', next), 'PX', math.max(1, math.ceil(next - now)))
return 1
