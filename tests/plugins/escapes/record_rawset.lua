-- expect: plugin.lua:4: error: attempt to modify a read-only table
function records(type, list)
  if type == "station" then
    rawset(list[1], "name", "pwned")
  end
end
