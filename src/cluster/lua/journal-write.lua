--[[
  Applies one batch of hold changes of an event, all or nothing, if the writer's epoch is still the
  journal's current epoch.

  Choices:
  - a stored epoch different from the writer's refuses the batch: a higher one is a successor (the
    writer is fenced); a lower one cannot happen, as the writer claimed first;
  - no stored epoch also refuses it: the journal was lost (Redis restarted or was flushed) and holds
    written earlier are gone; the owner must claim again (journal-claim.lua) and rewrite its holds;
  - upserts are applied before deletes, so a hold named in both ends up deleted.

  Input:
    KEYS[1] the event's journal epoch key
    KEYS[2] the event's journal holds hash (holdId -> encoded HoldSnapshot)
    ARGV[1] the writer's epoch (an integer)
    ARGV[2] n, the number of upserts
    ARGV[3 .. 2+2n] n pairs: holdId, encoded HoldSnapshot
    ARGV[3+2n ..] holdIds to delete

  Output:
    1 applied, 0 fenced (nothing changed)
]]
if tonumber(redis.call('GET', KEYS[1])) ~= tonumber(ARGV[1]) then
  return 0
end
local upserts = tonumber(ARGV[2])
local first_delete = 3 + 2 * upserts
for i = 3, first_delete - 1, 2 do
  redis.call('HSET', KEYS[2], ARGV[i], ARGV[i + 1])
end
for i = first_delete, #ARGV do
  redis.call('HDEL', KEYS[2], ARGV[i])
end
return 1
