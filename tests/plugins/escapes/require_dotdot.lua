-- expect: plugin.lua:2: error: require("../../../plugins/x"): plugins may only require NAME.lua from their own folder content/counties/990101/ (NAME: letters, digits and '_')
local x = require("../../../plugins/x")
