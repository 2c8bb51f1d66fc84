-- expect: plugin.lua:2: error: bad argument #1 to 'rawget' (table expected, got boolean)
local strings = rawget(getmetatable(""), "__index")
