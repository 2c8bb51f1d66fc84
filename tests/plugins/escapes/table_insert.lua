-- expect: plugin.lua:4: error: plugin exceeded its budget of 10000000 instructions
-- a length of 2^62 makes table.insert shift 2^62 slots in C
local t = setmetatable({}, { __len = function() return 1 << 62 end })
table.insert(t, 1, "x")
