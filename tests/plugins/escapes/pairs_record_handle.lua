-- expect: plugin.lua:6: error: attempt to modify a read-only table (field 'name')
-- the same through a record's fields, in the records hook
function records(type, list)
  if type == "station" then
    local _, state = pairs(list[1])
    state.name = "pwned"
  end
end
