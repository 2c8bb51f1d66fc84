-- expect: plugin.lua:2: error: cannot change a protected metatable
setmetatable(hearth.config, { __index = function() return "pwned" end })
