-- expect: plugin.lua:2: error: attempt to index a boolean value
getmetatable("").__index.dump = function() end
