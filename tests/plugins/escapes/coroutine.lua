-- expect: plugin.lua:2: error: attempt to index a nil value (global 'coroutine')
local co = coroutine.create(function() end)
