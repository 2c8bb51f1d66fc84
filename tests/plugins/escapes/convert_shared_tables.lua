-- expect: the value would take more than the plugin's memory limit of 32 MiB once copied
-- tables sharing sub-tables 25 levels deep: 50 tables in Lua, 2^25 once
-- every reference is copied
local t = { "leaf" }
for i = 1, 25 do t = { t, t } end
function page(p, kind)
  p.extra = t
  return p
end
