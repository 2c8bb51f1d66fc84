-- expect: plugin.lua:3: error: plugins may load text chunks only (mode "t")
local bin = string.char(27, 76, 117, 97, 84, 0)
local f = load(bin, "x", "b")
