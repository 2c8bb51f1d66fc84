-- expect: plugin.lua:2: error: a county plugin may only read its own county's records (asked for 990102)
local theirs = hearth.records("station", { county = "990102" })
