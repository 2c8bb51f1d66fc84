function brand(c)
  return {
    structure = {
      master = { name = "总站", url = "javascript:alert(1)" },
      stations = { { name = "站", url = " JaVaScRiPt:alert(2)" } },
      count = 1, townships = 2,
    },
  }
end
