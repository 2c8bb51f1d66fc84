-- expect: plugin.lua:2: error: plugin exceeded its budget of 10000000 instructions
while true do end
