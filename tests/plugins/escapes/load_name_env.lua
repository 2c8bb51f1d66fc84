-- expect: plugin.lua:5: error: y:1: attempt to call a nil value (global 'setupvalue')
-- load(s, name) runs its chunk in the plugin's environment, not with the
-- chunk itself as _ENV
local f = load("return setupvalue()", "y")
f()
