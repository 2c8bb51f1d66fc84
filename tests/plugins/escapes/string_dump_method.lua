-- expect: plugin.lua:3: error: attempt to call a nil value (field 'dump')
-- through the string metatable
local code = ("").dump(function() return 1 end)
