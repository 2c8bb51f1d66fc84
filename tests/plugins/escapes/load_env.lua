-- expect: plugin.lua:4: error: (load):1: attempt to index a nil value (global 'io')
-- loaded code gets the plugin's environment, not the real globals
local f = load("return io.open('/etc/passwd')")
f()
