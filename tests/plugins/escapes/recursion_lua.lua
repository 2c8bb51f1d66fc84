-- expect: plugin.lua:3: error: plugin exceeded its memory limit of 32 MiB
local function f(n)
  return f(n + 1) + 1
end
f(1)
