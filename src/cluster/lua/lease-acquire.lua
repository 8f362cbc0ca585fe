--[[
  Takes an event's ownership lease for a node, or renews it if that node already holds it
  (SET NX PX semantics plus "already ours").

  Input:
    KEYS[1] the event's lease key
    ARGV[1] nodeId
    ARGV[2] ttl, milliseconds (a positive integer)

  Output:
    1 the node holds the lease now, for ttl from now (taken or renewed)
    0 another node holds it (unchanged)
]]
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 1
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return 1
end
return 0
