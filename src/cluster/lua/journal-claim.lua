--[[
  Makes an epoch the current epoch of an event's hold journal and returns the holds in it, for the
  new owner to restore. From then on only writes with this epoch are applied (journal-write.lua).

  Choices:
  - a lower stored epoch, or none (never claimed, or lost when Redis restarted), is replaced;
  - an equal epoch is allowed: it is the same activation claiming again (e.g. after a Redis blip);
    epochs come from Postgres and are never given to two activations;
  - a higher stored epoch refuses the claim: a newer owner exists, the caller is a zombie.

  Input:
    KEYS[1] the event's journal epoch key
    KEYS[2] the event's journal holds hash (holdId -> encoded HoldSnapshot)
    ARGV[1] epoch (an integer)

  Output:
    {1, snapshot, snapshot, ...} claimed; the encoded snapshots of every hold in the journal
    {0, storedEpoch}              refused; storedEpoch > ARGV[1]
]]
local epoch = tonumber(ARGV[1])
local stored = tonumber(redis.call('GET', KEYS[1]))
if stored ~= nil and stored > epoch then
  return {0, stored}
end
redis.call('SET', KEYS[1], ARGV[1])
local result = redis.call('HVALS', KEYS[2])
table.insert(result, 1, 1)
return result
