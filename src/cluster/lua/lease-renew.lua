--[[
  Renews, in one round trip, every lease of the given events that the node still holds. A lease that
  expired or passed to another node is not taken back: the caller must acquire it again.

  Input:
    KEYS[1..n] lease keys
    ARGV[1] nodeId
    ARGV[2] ttl, milliseconds (a positive integer)

  Output:
    the 0-based indexes (into KEYS) of the leases renewed, ascending
]]
local renewed = {}
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[1] then
    redis.call('PEXPIRE', KEYS[i], ARGV[2])
    renewed[#renewed + 1] = i - 1
  end
end
return renewed
