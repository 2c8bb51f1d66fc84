-- expect: plugin.lua:2: error: plugins may not set __gc finalizers
setmetatable({}, { __gc = function() while true do end end })
