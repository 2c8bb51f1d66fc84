function brand(c)
  return {
    lead = "<img src=x onerror=alert(6)>",
    note = "<script>alert(7)</script>",
    highlights = { { label = "<b onmouseover=alert(8)>", text = "\"><script>alert(9)</script>" } },
    figures = { { label = "<svg onload=alert(10)>", value = "<script>", unit = "'><x onclick=alert(11)>" } },
    figures_period = "<iframe src=javascript:alert(12)>",
    structure = {
      master = { name = "<script>m</script>", url = "/stations/990101001/" },
      stations = { { name = "<b onclick=alert(13)>s</b>", url = "/stations/990101002/",
                     township = "<script>", opened = "\"onfocus=alert(14) autofocus \"" } },
      count = "<script>", townships = 2,
    },
  }
end
