-- expect: plugin.lua:3: error: attempt to modify a read-only table (field 'rep')
-- the string library is shared with every string's methods
string.rep = function() return "pwned" end
