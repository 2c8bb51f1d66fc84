/*
 * ui: the words the pages and maps use, from the theme
 * (themes/<theme>/strings.yaml), so a theme can reword or translate every
 * label, title and sentence hearth writes, and no Chinese text is left in
 * the C code.
 *
 * Every key below must be in the file; a text may use only the
 * placeholders its key names ({area}, {date}, ...), filled in by ui_fmt.
 * Both are checked when the theme is read, at the file's line and column.
 */
#ifndef HEARTH_UI_H
#define HEARTH_UI_H

struct arena;
struct sfile;

/* X(name, key, placeholders) */
#define UI_KEYS(X) \
	X(DATE_DAY, "date.day", "y m d") \
	X(DATE_MONTH, "date.month", "y m") \
	X(NAV_HOME, "nav.home", "") \
	X(NAV_NEWS, "nav.news", "") \
	X(NAV_PROVINCES, "nav.provinces", "") \
	X(NAV_STATIONS, "nav.stations", "") \
	X(NAV_CAMPAIGNS, "nav.campaigns", "") \
	X(NAV_DATA, "nav.data", "") \
	X(NAV_SEARCH, "nav.search", "") \
	X(TAGS_ALL, "tags.all", "") \
	X(TITLE_TAGS, "title.tags", "") \
	X(TITLE_TAG, "title.tag", "tag") \
	X(TITLE_PROVINCE_NEWS, "title.province_news", "province") \
	X(TITLE_CHANGES, "title.changes", "") \
	X(TITLE_VERSION, "title.version", "version") \
	X(TITLE_GUIDE, "title.guide", "") \
	X(TITLE_NOT_FOUND, "title.not_found", "") \
	X(TITLE_PAGED, "title.paged", "title page") \
	X(STATION_COUNTY, "station.kind.county", "") \
	X(STATION_TOWNSHIP, "station.kind.township", "") \
	X(STATION_MAP_ALT, "station.map_alt", "county station") \
	X(CHART_TOWNSHIPS, "chart.townships", "") \
	X(CHART_FULL_COUNTIES, "chart.full_counties", "") \
	X(CHART_FULL_PREFECTURES, "chart.full_prefectures", "") \
	X(CHART_COVERAGE, "chart.coverage.title", "area") \
	X(CHART_COVERAGE_PROVINCE, "chart.coverage.province", "date") \
	X(CHART_COVERAGE_COUNTY, "chart.coverage.county", "") \
	X(HOME_CHART, "home.chart.title", "") \
	X(HOME_CHART_DESC, "home.chart.desc", "") \
	X(HOME_CHART_VALUE, "home.chart.value", "percent part whole") \
	X(CHART_RATIO, "chart.ratio", "part whole percent") \
	X(GOAL_STATIONS, "campaign.goal.stations", "") \
	X(GOAL_HOUSEHOLDS, "campaign.goal.households", "") \
	X(CAMPAIGN_ELAPSED, "campaign.elapsed", "") \
	X(CAMPAIGN_NO_PROGRESS, "campaign.no_progress", "target") \
	X(CAMPAIGN_CHART, "campaign.chart.title", "campaign") \
	X(CAMPAIGN_CHART_DESC, "campaign.chart.desc", "date") \
	X(DATA_BYTES, "data.bytes", "n") \
	X(DATA_CSV, "data.format.csv", "") \
	X(DATA_EXCEL, "data.format.excel", "") \
	X(DATA_ARCHIVE, "data.format.archive", "") \
	X(DATA_XLSX, "data.format.xlsx", "") \
	X(DATA_ROW, "data.rows.one", "field value") \
	X(DATA_ROWS, "data.rows.some", "field value n") \
	X(DATA_ROWS_ALL, "data.rows.all", "n") \
	X(DATA_ROWS_SLICE, "data.rows.slice", "area n") \
	X(DATA_SCOPE_STATIONS, "data.scope.stations", "published reported detail") \
	X(DATA_SCOPE_PART, "data.scope.part", "area n") \
	X(DATA_SCOPE_SEPARATOR, "data.scope.separator", "") \
	X(DICT_REQUIRED, "data.dict.required", "") \
	X(DICT_DIVISION, "data.dict.division", "level") \
	X(DICT_REF, "data.dict.ref", "type") \
	X(DICT_DECIMALS, "data.dict.decimals", "n") \
	X(DICT_LIST, "data.dict.list", "") \
	X(DICT_MIN, "data.dict.min", "n") \
	X(DICT_MAX, "data.dict.max", "n") \
	X(DICT_VALUES, "data.dict.values", "values") \
	X(DICT_VALUE_SEPARATOR, "data.dict.value_separator", "") \
	X(DICT_SEPARATOR, "data.dict.separator", "") \
	X(LEVEL_PROVINCE, "level.province", "") \
	X(LEVEL_PREFECTURE, "level.prefecture", "") \
	X(LEVEL_COUNTY, "level.county", "") \
	X(LEVEL_TOWNSHIP, "level.township", "") \
	X(LEVEL_ANY, "level.any", "") \
	X(CITATION, "data.citation", "publisher title version url licence") \
	X(CITATION_NO_LICENCE, "data.citation.no_licence", "") \
	X(GB_NAME, "data.gb.name", "") \
	X(GB_CODE, "data.gb.code", "") \
	X(GB_PROVIDER, "data.gb.provider", "") \
	X(GB_SUMMARY, "data.gb.summary", "") \
	X(GB_CATEGORY, "data.gb.category", "") \
	X(GB_FORMAT, "data.gb.format", "") \
	X(GB_FORMATS, "data.gb.formats", "") \
	X(GB_FORMATS_GEO, "data.gb.formats_geo", "") \
	X(GB_FREQUENCY, "data.gb.frequency", "") \
	X(GB_DATE, "data.gb.date", "") \
	X(GB_OPENNESS, "data.gb.openness", "") \
	X(GB_FREQUENCY_DEFAULT, "data.gb.frequency_default", "") \
	X(GB_CATEGORY_DEFAULT, "data.gb.category_default", "") \
	X(GB_OPENNESS_DEFAULT, "data.gb.openness_default", "") \
	X(CHANGE_ADDED, "data.change.added", "") \
	X(CHANGE_REMOVED, "data.change.removed", "") \
	X(CHANGE_CHANGED, "data.change.changed", "") \
	X(KIND_NEWS, "search.kind.news", "") \
	X(KIND_STATION, "search.kind.station", "") \
	X(KIND_COUNTY, "search.kind.county", "") \
	X(KIND_PROVINCE, "search.kind.province", "") \
	X(KIND_BRAND, "search.kind.brand", "") \
	X(KIND_CAMPAIGN, "search.kind.campaign", "") \
	X(KIND_INITIATIVE, "search.kind.initiative", "") \
	X(KIND_DATASET, "search.kind.dataset", "") \
	X(SNIPPET_COUNTY, "search.snippet.county", \
	    "province prefecture townships") \
	X(SNIPPET_PROVINCE, "search.snippet.province", "townships") \
	X(MAP_NONE, "map.legend.none", "") \
	X(MAP_LEGEND, "map.legend.title", "") \
	X(MAP_LEGEND_STATIONS, "map.legend.stations", "") \
	X(MAP_LEGEND_NO_POINTS, "map.legend.no_points", "") \
	X(MAP_TITLE, "map.title", "area") \
	X(MAP_PROVINCE_DESC, "map.province.desc", "province counties stations") \
	X(MAP_PROVINCE_DESC_MANY, "map.province.desc_many", \
	    "province counties stations") \
	X(MAP_COUNTY_TIP, "map.county.tip", "covered townships") \
	X(MAP_COUNTY_TIP_REPORTED, "map.county.tip_reported", \
	    "covered townships date") \
	X(MAP_COUNTY_DESC, "map.county.desc", "county stations approx") \
	X(MAP_APPROX, "map.county.approx", "") \
	X(MAP_NO_POSITIONS, "map.county.no_positions", "") \
	X(MAP_OVERVIEW, "map.overview.title", "") \
	X(MAP_OVERVIEW_DESC, "map.overview.desc", "") \
	X(MAP_TILE_ON, "map.overview.tile_on", "") \
	X(MAP_TILE_OFF, "map.overview.tile_off", "") \
	X(MAP_KEY_ON, "map.overview.key_on", "") \
	X(MAP_KEY_OFF, "map.overview.key_off", "")

enum ui_key {
#define UI_ENUM(name, key, ph) UI_##name,
	UI_KEYS(UI_ENUM)
#undef UI_ENUM
	UI_N
};

struct ui {
	const char	*text[UI_N];
};

/* Read strings.yaml (f; NULL: the theme has none) into u, allocating in a.
 * Returns 0, or -1 after reporting every missing key and every text that
 * uses a placeholder its key does not have. */
int	ui_load(struct ui *u, struct arena *a, const struct sfile *f,
	    const char *theme_dir);

/* The text of k, with its placeholders filled: the arguments are pairs of
 * name and value, ended by NULL ("area", "贵州省", NULL).  A placeholder
 * without a value is left empty.  Allocated in a. */
char	*ui_fmt(struct arena *a, const struct ui *u, enum ui_key k, ...);

/* The same, appended to b (as it is: escaping is the caller's); for code
 * that must not allocate from a shared arena (maps drawn on threads). */
struct buf;
void	ui_put(struct buf *b, const struct ui *u, enum ui_key k, ...);

#endif
