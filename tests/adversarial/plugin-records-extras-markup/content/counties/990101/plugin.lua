function records(kind, list)
  if kind ~= "station" then return nil end
  local out = {}
  for _, r in ipairs(list) do
    out[r.id] = { badge = "<script>alert(1)</script>", link = "\"><img src=x onerror=alert(2)>" }
  end
  return out
end
