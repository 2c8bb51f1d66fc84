-- expect: plugin exceeded its budget of 10000000 instructions
-- table.concat over a 100,000-item list, many times
local t = {}
for i = 1, 100000 do t[i] = "x" end
for i = 1, 100000 do
  local _ = table.concat(t)
end
