-- expect: plugin.lua:2: error: module 'io' not found: plugins may only require NAME.lua from their own folder (no content/counties/990101/io.lua)
local io2 = require("io")
