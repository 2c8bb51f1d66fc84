-- expect: plugin.lua:2: error: attempt to call a nil value (field 'exit')
os.exit(0)
