-- expect: plugin.lua:5: error: x:1: attempt to index a nil value (global 'io')
-- load(s, name, mode) without an environment gets the plugin's own, not
-- whatever the host pushed while loading
local f = load("return io.open('/etc/passwd')", "x", "t")
f()
