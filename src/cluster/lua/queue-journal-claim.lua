--[[
  Makes an epoch the current epoch of an event's room journal and returns the room changes in it, for
  the new owner to replay on the room's last save. From then on only writes with this epoch are applied
  (queue-journal-write.lua). The same epoch rules as journal-claim.lua (holds):
  - a lower stored epoch, or none (never claimed, or lost when Redis restarted), is replaced;
  - an equal epoch is allowed: it is the same activation claiming again;
  - a higher stored epoch refuses the claim: a newer owner exists, the caller is a zombie.

  Input:
    KEYS[1] the event's room journal epoch key
    KEYS[2] the event's room changes (sorted set: JSON-encoded change scored by its number)
    ARGV[1] epoch (an integer)

  Output:
    {1, change, change, ...} claimed; the encoded changes, lowest number first
    {0, storedEpoch}          refused; storedEpoch > ARGV[1]
]]
local epoch = tonumber(ARGV[1])
local stored = tonumber(redis.call('GET', KEYS[1]))
if stored ~= nil and stored > epoch then
  return {0, stored}
end
redis.call('SET', KEYS[1], ARGV[1])
local result = redis.call('ZRANGE', KEYS[2], 0, -1)
table.insert(result, 1, 1)
return result
