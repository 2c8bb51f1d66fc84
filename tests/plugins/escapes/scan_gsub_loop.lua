-- expect: plugin exceeded its budget of 10000000 instructions
-- the same with gsub and upper, called as functions of the string table
local s = string.rep("ab", 1 << 19)
for i = 1, 100000 do
  local _ = string.upper(s)
  local _, k = string.gsub(s, "c", "d")
end
