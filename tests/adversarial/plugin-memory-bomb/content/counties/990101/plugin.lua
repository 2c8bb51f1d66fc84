local s = string.rep("x", 100 * 1024 * 1024)
