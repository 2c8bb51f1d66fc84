-- Fuquan's brand page: 社工黔行·泉“心”服务·泉“城”有爱.
--
-- The county office keeps this file; it shapes only Fuquan's pages.  The
-- brand hook builds the page from the county's own records (stations,
-- service figures), so the page shows what the data says: the "1+8+N"
-- structure, the master station and the township stations with links, and
-- the service figures since May 2022.  The records hook checks the
-- structure: every township of Fuquan must have its station.

local function grouped(n)
  local s = tostring(math.floor(n))
  return (s:reverse():gsub("(%d%d%d)", "%1,"):reverse():gsub("^,", ""))
end

-- "1+8+N": one master station and a station in every township.
function records(kind, list)
  if kind ~= "station" then return end
  local covered = {}
  for _, st in ipairs(list) do
    if st.kind == "township" and st.township then covered[st.township] = true end
  end
  local county = hearth.division(hearth.county)
  for _, code in ipairs(county.children) do
    if not covered[code] then
      local t = hearth.division(code)
      hearth.error("the 1+8+N system needs a station in " .. t.name .. " (" ..
        code .. ")")
    end
  end
end

local function figure(label, stats, field, unit)
  local v = stats[field]
  if v == nil then return nil end
  local text = grouped(v)
  for _, f in ipairs(stats.lower_bounds or {}) do
    if f == field then text = text .. "+" end
  end
  return { label = label, value = text, unit = unit }
end

function brand(county)
  local master, townships = nil, {}
  for _, st in ipairs(county.stations) do
    if st.kind == "county" then master = st else
      townships[#townships + 1] = { name = st.name, url = st.url,
        township = st.township_name, opened = st.opened_text }
    end
  end

  local figures = {}
  local stats = county.stats[1]
  if stats then
    for _, f in ipairs({
      figure("走访家庭", stats, "households_visited", "户"),
      figure("社区活动", stats, "community_activities", "场"),
      figure("小组活动", stats, "group_activities", "个"),
      figure("个案服务", stats, "cases", "个"),
      figure("直接服务", stats, "person_times", "人次"),
    }) do figures[#figures + 1] = f end
  end

  return {
    lead = "“1+8+N”：" .. (master and master.name or "市级社工总站") ..
      "统筹，" .. #townships .. " 个乡镇（街道）社工站全覆盖，整合 N 项服务资源。",
    structure = {
      master = master and { name = master.name, url = master.url } or nil,
      stations = townships,
      count = #townships,
      townships = county.townships,
    },
    highlights = {
      { label = "三级体系", text = "市民政局 → 社工总站 → 乡镇（街道）社工站" },
      { label = "三制管理", text = "清单制、督导制、评估制" },
      { label = "三站合一", text = "服务枢纽、社会组织孵化、慈善资源整合" },
      { label = "三支队伍", text = "专职社工、志愿者、社区工作者" },
      { label = "“4+N”服务", text = "社会救助、养老服务、儿童福利、基层治理，以及其他服务" },
    },
    figures = figures,
    figures_period = stats and (stats.period_start_text .. "以来") or nil,
    note = hearth.markdown("服务数据为**" .. (stats and stats.period_start_text or "") ..
      "建站以来**的累计数，“+”表示“以上”。"),
  }
end
