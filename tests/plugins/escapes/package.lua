-- expect: plugin.lua:2: error: attempt to index a nil value (global 'package')
local loaded = package.loaded
