-- expect: plugin.lua: error: plugin exceeded its memory limit of 32 MiB
local s = string.rep("x", 1 << 30)
