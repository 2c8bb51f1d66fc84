-- expect: plugin.lua:4: error: plugin exceeded its budget of 10000000 instructions
function page(p)
  local n = 0
  while true do n = n + 1 end
end
