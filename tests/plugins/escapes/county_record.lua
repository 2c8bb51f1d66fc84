-- expect: plugin.lua:2: error: a county plugin may only read its own county's records (asked for station 990102001)
local theirs = hearth.record("station", "990102001")
