-- expect: plugin.lua:5: error: attempt to modify a read-only table
-- calling the iterator by hand with its state gives only read-only values
local f, state, k = pairs(hearth.config)
local key = f(state, nil)
rawset(state, "licence", "pwned")
