-- expect: plugin.lua:2: error: attempt to call a nil value (field 'dump')
local code = string.dump(function() return 1 end)
