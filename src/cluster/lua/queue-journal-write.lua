--[[
  Adds one batch of an event's room changes, and drops the ones a committed save contains, all or
  nothing, if the writer's epoch is still the room journal's current epoch.

  Choices:
  - a stored epoch different from the writer's refuses the batch: a higher one is a successor (the
    writer is fenced); no stored epoch means the journal was lost (Redis restarted or was flushed): the
    owner must claim again (queue-journal-claim.lua) and save its room whole;
  - each change is a member scored by its number, and an encoded change contains its number, so writing
    a change again (a retry after a timeout) adds nothing;
  - changes are added before the trim, so a change already in the save is not left behind;
  - ZADD takes the changes in chunks, as Lua's unpack is limited to a few thousand values.

  Input:
    KEYS[1] the event's room journal epoch key
    KEYS[2] the event's room changes (sorted set: JSON-encoded change scored by its number)
    ARGV[1] the writer's epoch (an integer)
    ARGV[2] drop changes numbered up to this (-1: drop none)
    ARGV[3 ..] pairs: number, encoded change

  Output:
    1 applied, 0 fenced (nothing changed)
]]
if tonumber(redis.call('GET', KEYS[1])) ~= tonumber(ARGV[1]) then
  return 0
end
local CHUNK = 2000
local i = 3
while i <= #ARGV do
  local last = math.min(i + CHUNK - 1, #ARGV)
  redis.call('ZADD', KEYS[2], unpack(ARGV, i, last))
  i = last + 1
end
local through = tonumber(ARGV[2])
if through >= 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', through)
end
return 1
