-- expect: plugin.lua:4: error: C stack overflow
-- every level goes through C (string.gsub calling f)
local function f(s)
  return (string.gsub(s, ".", f))
end
f("x")
