package http

func init() {
	for k, v := range monitorMessages {
		messages[k] = v
	}
}

// monitorMessages are the strings of the monitoring pages: key →
// {English, 简体中文}.
var monitorMessages = map[string][2]string{
	"nav.monitoring": {"Monitoring", "监控"},
	"mon.intro": {"Monitors check your services on a fixed beat; one that goes down opens an incident. Alerts from Alertmanager and webhooks join incidents by group.",
		"监控按固定频率检查服务，异常时自动创建事件单；来自 Alertmanager 和 Webhook 的告警按分组归入事件单。"},
	"mon.list":          {"Monitors", "监控项"},
	"mon.none":          {"No monitors yet.", "尚无监控项。"},
	"mon.new":           {"New monitor", "新建监控"},
	"mon.create":        {"Create monitor", "创建监控"},
	"mon.state":         {"State", "状态"},
	"mon.state.up":      {"Up", "正常"},
	"mon.state.down":    {"Down", "故障"},
	"mon.state.unknown": {"Unknown", "未知"},
	"mon.availability":  {"Availability", "可用率"},
	"mon.failure_rate":  {"Failure rate", "故障率"},
	"mon.down":          {"Downtime", "故障时长"},
	"mon.checks":        {"Checks", "检查次数"},
	"mon.failed":        {"failed", "失败"},
	"mon.last_check":    {"Last check", "最近检查"},
	"mon.24h":           {"24 hours", "24 小时"},
	"mon.7d":            {"7 days", "7 天"},
	"mon.30d":           {"30 days", "30 天"},
	"mon.type":          {"Type", "类型"},
	"mon.target":        {"Target", "目标"},
	"mon.target.hint":   {"An http:// or https:// URL, or host:port for TCP.", "HTTP 监控填写 http:// 或 https:// 地址，TCP 监控填写 主机:端口。"},
	"mon.interval":      {"Every", "检查间隔"},
	"mon.timeout":       {"Timeout", "超时"},
	"mon.down_after":    {"Down after failures", "连续失败几次判定故障"},
	"mon.up_after":      {"Up after successes", "连续成功几次判定恢复"},
	"mon.expect_status": {"Expected status codes (HTTP; empty: 200–399)", "期望的状态码（HTTP；留空为 200–399）"},
	"mon.body_contains": {"The answer contains (HTTP)", "响应内容包含（HTTP）"},
	"mon.priority":      {"Priority of its incidents", "事件单优先级"},
	"mon.auto_resolve":  {"Resolve the incident when it is back up", "恢复后自动解决事件单"},
	"mon.paused":        {"Paused", "已暂停"},
	"mon.every":         {"every", "每"},
	"mon.since":         {"Since", "自"},
	"mon.incident":      {"Incident", "事件单"},
	"mon.delete":        {"Delete monitor", "删除监控"},
	"mon.delete.hint":   {"Its results and outages go with it; the incidents it opened stay.", "将删除其检查结果和故障记录；已创建的事件单保留。"},
	"mon.definition": {"Downtime runs from the first failed check of the run that took the monitor down to the first successful check of the run that brought it up; monitored time starts with the first check. Failed checks are counted beside it.",
		"故障时长从导致故障的连续失败中的第一次失败检查算起，到恢复时连续成功中的第一次成功检查为止；监控时长从第一次检查开始。失败检查次数另列。"},
	"mon.alerts":         {"Alerts", "告警"},
	"mon.alert":          {"Alert", "告警"},
	"mon.firing":         {"Firing alerts", "正在触发的告警"},
	"mon.alert.firing":   {"Firing", "触发中"},
	"mon.alert.resolved": {"Resolved", "已恢复"},
	"mon.received":       {"Received", "接收次数"},
	"mon.no_alerts":      {"No alerts.", "没有告警。"},
	"admin.done.deleted": {"Deleted.", "已删除。"},
}
