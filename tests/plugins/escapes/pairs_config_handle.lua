-- expect: plugin.lua:5: error: attempt to modify a read-only table (field 'title')
-- pairs() over a read-only table hands back its state: it must not be the
-- real, writable table
local _, state = pairs(hearth.config)
state.title = "pwned"
