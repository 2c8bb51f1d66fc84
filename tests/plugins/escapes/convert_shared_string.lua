-- expect: the value would take more than the plugin's memory limit of 32 MiB once copied
-- one 1 MiB string referred to 12,000 times is 12 MiB on the Lua side,
-- 12 GB once copied out: the copy counts against the same ceiling
local s = string.rep("x", 1 << 20)
local list = {}
for i = 1, 12000 do list[i] = s end
function brand(c)
  return { highlights = list }
end
