-- expect: plugin.lua:2: error: module 'os' not found: plugins may only require NAME.lua from their own folder (no content/counties/990101/os.lua)
local os2 = require("os")
