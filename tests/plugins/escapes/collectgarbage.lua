-- expect: plugin.lua:2: error: attempt to call a nil value (global 'collectgarbage')
collectgarbage("stop")
