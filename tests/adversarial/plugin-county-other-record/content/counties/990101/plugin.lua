function brand(c)
  local r = hearth.record("station", "990102001")
  return { lead = r and r.name or "none" }
end
