-- expect: plugin.lua:2: error: a county plugin may only change its own county's records (asked for station 990102001)
function records(type, list)
  if type == "station" then
    return { ["990102001"] = { note = "pwned" } }
  end
end
