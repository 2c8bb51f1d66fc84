-- expect: plugin.lua:3: error: module 'plugin' is still being loaded (a require loop, or it failed)
-- a plugin requiring itself must not recurse without end
local me = require("plugin")
