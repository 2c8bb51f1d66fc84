-- expect: plugin.lua:2: error: attempt to index a nil value (global 'debug')
local info = debug.getinfo(1)
