-- expect: plugin.lua:4: error: plugin exceeded its memory limit of 32 MiB
local t, i = {}, 0
while true do
  i = i + 1
  t[i] = { i }
end
