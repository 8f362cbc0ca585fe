--[[
  Gives up an event's lease if the node holds it (compare-and-delete): a node whose lease already
  passed to another node cannot release the new holder's lease.

  Input:
    KEYS[1] the event's lease key
    ARGV[1] nodeId

  Output:
    1 released, 0 the node did not hold it (unchanged)
]]
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return 1
end
return 0
