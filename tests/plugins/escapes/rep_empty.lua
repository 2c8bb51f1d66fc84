-- expect: plugin.lua:4: error: string.rep returned 0 bytes
-- an empty result of a huge count must not loop in C
local s = string.rep("", 1 << 62)
error("string.rep returned " .. #s .. " bytes")
