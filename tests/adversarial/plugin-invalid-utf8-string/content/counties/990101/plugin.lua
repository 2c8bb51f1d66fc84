function page(p) p.title = "a\192\175b\0" return p end
