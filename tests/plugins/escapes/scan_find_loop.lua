-- expect: plugin exceeded its budget of 10000000 instructions
-- a few instructions a turn, each running string.find over 1 MiB in C:
-- the scan is charged by its length, so the budget runs out
local s = string.rep("a", 1 << 20)
local n = 0
for i = 1, 100000 do
  if s:find("b", 1, true) then n = n + 1 end
end
