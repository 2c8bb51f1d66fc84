-- expect: plugin.lua:4: error: plugin exceeded its budget of 10000000 instructions
-- catching the budget error must not buy more time
while true do
  pcall(function() while true do end end)
end
