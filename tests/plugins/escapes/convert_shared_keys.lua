-- expect: the value would take more than the plugin's memory limit of 32 MiB once copied
-- the same through string keys of a map: every level holds one table
-- under many names
local t = { leaf = string.rep("y", 1024) }
for i = 1, 6 do
  local u = {}
  for k = 1, 20 do u["k" .. k] = t end
  t = u
end
function brand(c)
  return { lead = "x", extra = t }
end
