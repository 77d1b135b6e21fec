package http

func init() {
	for k, v := range statusMessages {
		messages[k] = v
	}
}

// statusMessages are the strings of the public status page and of its
// administration: key → {English, 简体中文}.
var statusMessages = map[string][2]string{
	"admin.status-pages":       {"Status pages", "状态页"},
	"admin.status-pages.about": {"Public pages with your services' state, 90 days of uptime, open and recent incidents and planned maintenance.", "公开页面：展示服务的当前状态、近 90 天可用率、处理中和近期的事件以及计划维护。"},

	// The public page.
	"sp.banner.ok":          {"All systems operational", "所有系统运行正常"},
	"sp.banner.partial":     {"Partial outage", "部分服务中断"},
	"sp.banner.major":       {"Major outage", "全部服务中断"},
	"sp.banner.incident":    {"We are working on an issue", "我们正在处理一个问题"},
	"sp.banner.maintenance": {"Maintenance in progress", "维护进行中"},
	"sp.banner.unknown":     {"No monitoring data yet", "暂无监控数据"},
	"sp.updated":            {"Updated", "更新于"},
	"sp.services":           {"Services", "服务"},
	"sp.state.up":           {"Operational", "运行正常"},
	"sp.state.down":         {"Outage", "服务中断"},
	"sp.state.unknown":      {"No data", "暂无数据"},
	"sp.days_ago":           {"90 days ago", "90 天前"},
	"sp.today":              {"Today", "今天"},
	"sp.uptime":             {"%s uptime", "可用率 %s"},
	"sp.uptime.none":        {"No uptime data", "暂无可用率数据"},
	"sp.bars":               {"Uptime of %s per day over the last 90 days: %s", "%s 近 90 天每日可用率：%s"},
	"sp.bar.none":           {"No data", "无数据"},
	"sp.bar.down":           {"down %s", "中断 %s"},
	"sp.incidents":          {"Open incidents", "处理中的事件"},
	"sp.incident.new":       {"Investigating", "正在调查"},
	"sp.incident.working":   {"Fix in progress", "正在修复"},
	"sp.incident.since":     {"Since", "开始于"},
	"sp.incident.more":      {"%d more open incidents", "另有 %d 个处理中的事件"},
	"sp.incident.resolved":  {"Resolved", "已解决"},
	"sp.history":            {"Past incidents", "历史事件"},
	"sp.history.about":      {"Incidents resolved over the last %d days, by the day they were resolved (UTC).", "近 %d 天内已解决的事件，按解决日期（UTC）排列。"},
	"sp.history.none":       {"No incidents reported.", "当日无事件。"},
	"sp.history.lasted":     {"Lasted %s", "持续 %s"},
	"sp.dur.s":              {"%d s", "%d 秒"},
	"sp.dur.m":              {"%d min", "%d 分钟"},
	"sp.dur.h":              {"%d h", "%d 小时"},
	"sp.dur.hm":             {"%d h %d min", "%d 小时 %d 分钟"},
	"sp.dur.d":              {"%d d", "%d 天"},
	"sp.dur.dh":             {"%d d %d h", "%d 天 %d 小时"},
	"sp.maintenance":        {"Planned maintenance", "计划维护"},
	"sp.maintenance.now":    {"In progress", "进行中"},
	"sp.maintenance.next":   {"Scheduled", "已计划"},
	"sp.maintenance.all":    {"All services", "所有服务"},
	"sp.legend":             {"Each bar is one day (UTC):", "每根柱为一天（UTC）："},
	"sp.legend.ok":          {"99.9% or more", "99.9% 及以上"},
	"sp.legend.warn":        {"99% to 99.9%", "99% 至 99.9%"},
	"sp.legend.bad":         {"Under 99%", "低于 99%"},
	"sp.legend.none":        {"No data", "无数据"},
	"sp.times":              {"Times in UTC", "时间均为 UTC"},
	"sp.powered":            {"Powered by sqm", "由 sqm 提供"},
	"sp.language":           {"Language", "语言"},
	"sp.not_found":          {"No status page here", "此地址没有状态页"},
	"sp.not_found.hint":     {"Check the address, or ask whoever gave it to you for the right one.", "请检查地址，或向提供链接的人确认正确的地址。"},
	"sp.failed":             {"The status cannot be shown right now", "暂时无法显示状态"},
	"sp.failed.hint":        {"Please try again in a minute.", "请稍后再试。"},

	// Its administration.
	"sp.admin.new":        {"New status page", "新建状态页"},
	"sp.admin.edit":       {"Edit status page", "编辑状态页"},
	"sp.admin.none":       {"No status pages yet.", "尚无状态页。"},
	"sp.admin.intro":      {"Anyone with the address sees a status page, without signing in: the state of its services, 90 days of daily uptime, their open incidents and those resolved over the last 14 days (title, status and times only) and planned maintenance.", "任何人无需登录即可通过地址查看状态页：服务的当前状态、近 90 天每日可用率、处理中的事件和近 14 天内已解决的事件（仅标题、状态和时间）以及计划维护。"},
	"sp.admin.slug":       {"Address", "地址"},
	"sp.admin.slug.hint":  {"1 to 60 lowercase letters, digits and hyphens; the page is at /status/<address>. It cannot change later.", "1 到 60 个小写字母、数字或连字符；页面地址为 /status/<地址>，创建后不可更改。"},
	"sp.admin.slug.fixed": {"The address does not change: people already have it.", "地址不可更改：已有人在使用。"},
	"sp.admin.title":      {"Title", "标题"},
	"sp.admin.services":   {"Services shown", "展示的服务"},
	"sp.admin.no_service": {"Create a service first.", "请先创建服务。"},
	"sp.admin.public":     {"Public page", "公开页面"},
	"sp.admin.open":       {"Open", "打开"},
	"sp.admin.delete":     {"Delete", "删除"},
	"sp.admin.actions":    {"Actions", "操作"},
	"sp.list_sep":         {", ", "、"},
}
