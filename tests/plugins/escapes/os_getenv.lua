-- expect: plugin.lua:2: error: attempt to call a nil value (field 'getenv')
local home = os.getenv("HOME")
