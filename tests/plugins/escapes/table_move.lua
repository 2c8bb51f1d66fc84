-- expect: plugin.lua:3: error: plugin exceeded its budget of 10000000 instructions
-- a loop in C, outside the count hook, of 2^62 steps
table.move({}, 1, 1 << 62, 1, {})
