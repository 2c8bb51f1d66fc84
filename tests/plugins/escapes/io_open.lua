-- expect: plugin.lua:2: error: attempt to index a nil value (global 'io')
local f = io.open("/etc/passwd")
