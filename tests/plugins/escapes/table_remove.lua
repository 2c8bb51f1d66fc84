-- expect: plugin.lua:3: error: plugin exceeded its budget of 10000000 instructions
local t = setmetatable({}, { __len = function() return 1 << 62 end })
table.remove(t, 1.0)
