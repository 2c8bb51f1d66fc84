function brand(c)
  return {
    figures = { { label = "走访", value = "1", unit = "户" } },
    note = hearth.markdown("<script>alert(1)</script>"),
  }
end
