-- expect: plugin.lua:4: error: plugin exceeded its memory limit of 32 MiB
local s = "x"
while true do
  s = s .. s
end
