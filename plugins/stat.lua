-- stat: cite a figure from the records, so a news item can never disagree
-- with the dataset it comes from.
--
--   {{< stat id=guizhou-2023-05 field=stations >}}          -> 1,094
--   {{< stat id=guizhou-2023-05 field=coverage >}}          -> 72.45%
--   {{< stat type=service_stats id=fuquan-since-2022-05 field=person_times >}}
--                                                            -> 20,000+
--
-- type defaults to "report".  Integers get thousands separators, fields
-- the record lists in lower_bounds get a "+", rates (0..1 with decimals)
-- print as percentages.  A missing record or field stops the build with an
-- error at the news item's line, so a typo cannot publish a wrong number.

local function grouped(n)
  local s = tostring(math.floor(n))
  local out = s:reverse():gsub("(%d%d%d)", "%1,"):reverse()
  return (out:gsub("^,", ""))
end

local function isbound(rec, field)
  for _, f in ipairs(rec.lower_bounds or {}) do
    if f == field then return true end
  end
  return false
end

shortcodes = {
  stat = function(args)
    local kind = args.type or "report"
    if not args.id or not args.field then
      hearth.error("stat needs id= and field=")
    end
    local rec = hearth.record(kind, args.id)
    if rec == nil then
      hearth.error("stat: no " .. kind .. " record has id " .. args.id)
    end
    local v = rec[args.field]
    if type(v) ~= "number" then
      hearth.error("stat: " .. kind .. " " .. args.id .. " has no figure " ..
        args.field)
    end
    local text
    if math.type(v) == "integer" then
      text = grouped(v)
    elseif args.format == "number" or v > 1 then
      text = tostring(v)
    else
      text = string.format("%.2f%%", v * 100)
    end
    if isbound(rec, args.field) then text = text .. "+" end
    return text
  end,
}
