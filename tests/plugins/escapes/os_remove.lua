-- expect: plugin.lua:2: error: attempt to call a nil value (field 'remove')
os.remove("hearth.yaml")
