-- expect: plugin.lua:3: error: attempt to index a boolean value
local h = hearth.markdown("*x*")
getmetatable(h).__tostring = function() return "<script>" end
