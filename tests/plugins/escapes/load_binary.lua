-- expect: plugin.lua:5: error: attempt to load a binary chunk (mode is 't')
-- the header of a Lua 5.4 binary chunk
local bin = string.char(27, 76, 117, 97, 84, 0, 25, 147, 13, 10, 26, 10,
  4, 8, 8, 120, 86, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 40, 119, 64, 1)
assert(load(bin))
