package http

import (
	"net/http"

	"golang.org/x/text/language"
)

// The console speaks English and Simplified Chinese.
var (
	langTags    = []language.Tag{language.English, language.SimplifiedChinese}
	langMatcher = language.NewMatcher(langTags)
)

// pickLang returns "en" or "zh": the user's own choice, else the best match
// of the browser's Accept-Language.
func pickLang(r *http.Request, chosen string) string {
	if chosen == "en" || chosen == "zh" {
		return chosen
	}
	tags, _, err := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	if err != nil || len(tags) == 0 {
		return "en"
	}
	_, i, _ := langMatcher.Match(tags...)
	if i == 1 {
		return "zh"
	}
	return "en"
}

// tr translates a message key; a key without a translation shows itself,
// which the catalogue test forbids.
func tr(lang, key string) string {
	if m, ok := messages[key]; ok {
		if lang == "zh" && m[1] != "" {
			return m[1]
		}
		return m[0]
	}
	return key
}

// messages holds every string of the console: key → {English, 简体中文}.
var messages = map[string][2]string{
	"app.name":                              {"Service Quality Manager", "服务质量管理"},
	"nav.dashboard":                         {"Dashboard", "概览"},
	"nav.tickets":                           {"Tickets", "工单"},
	"nav.new_ticket":                        {"New ticket", "新建工单"},
	"nav.scorecard":                         {"Scorecard", "计分卡"},
	"sc.period":                             {"Period", "周期"},
	"sc.week":                               {"Week", "周"},
	"sc.month":                              {"Month", "月"},
	"sc.quarter":                            {"Quarter", "季度"},
	"sc.half":                               {"Half-year", "半年"},
	"sc.custom":                             {"Custom", "自定义"},
	"sc.at":                                 {"Day in the period", "周期内日期"},
	"sc.from":                               {"From", "开始"},
	"sc.to":                                 {"To (inclusive)", "结束（含）"},
	"sc.team":                               {"Team", "团队"},
	"sc.show":                               {"Show", "查看"},
	"sc.tickets":                            {"Tickets opened", "新建工单"},
	"sc.met":                                {"Met on time", "按时达成"},
	"sc.breached":                           {"Breached", "超时"},
	"sc.running":                            {"Running", "计时中"},
	"sc.attainment":                         {"Attainment", "达标率"},
	"sc.percentiles":                        {"p50 / p90 / max", "p50 / p90 / 最大"},
	"sc.stopped":                            {"of stopped clocks", "已停止的计时"},
	"sc.trend":                              {"Attainment over six periods", "近六个周期的达标率"},
	"sc.export":                             {"Export the tickets as CSV", "导出工单（CSV）"},
	"sc.distribution":                       {"Distribution of stopped clocks by elapsed business time", "已停止计时按业务用时的分布"},
	"sc.targets":                            {"Targets", "目标"},
	"nav.account":                           {"Account", "账户"},
	"nav.sign_out":                          {"Sign out", "退出登录"},
	"nav.skip":                              {"Skip to content", "跳到正文"},
	"login.title":                           {"Sign in", "登录"},
	"login.username":                        {"User name", "用户名"},
	"login.password":                        {"Password", "密码"},
	"login.submit":                          {"Sign in", "登录"},
	"login.failed":                          {"The user name or password is wrong.", "用户名或密码错误。"},
	"login.slow_down":                       {"Too many failed attempts. Wait a minute and try again.", "失败次数过多，请稍等一分钟后再试。"},
	"dash.title":                            {"Are we keeping our promises?", "我们是否兑现了承诺？"},
	"dash.period":                           {"This month so far", "本月至今"},
	"dash.goal":                             {"Goal", "目标"},
	"dash.measured":                         {"Measured", "实际"},
	"dash.sample":                           {"Sample", "样本"},
	"sc.compute":                            {"Compute", "计算"},
	"dash.trend":                            {"The last six months against the goal", "近六个月与目标对比"},
	"dash.no_data":                          {"No data yet", "暂无数据"},
	"dash.met":                              {"Met", "达成"},
	"dash.missed":                           {"Missed", "未达成"},
	"dash.near_breach":                      {"Overdue and due next", "已超时与即将超时"},
	"dash.open_by_prio":                     {"Open incidents by priority", "按优先级统计的未关闭事件"},
	"dash.none":                             {"Nothing here.", "暂无。"},
	"dash.recent_breaches":                  {"Recently breached", "最近超时"},
	"goal.first_response_attainment":        {"Response within target", "响应达标率"},
	"goal.resolution_attainment":            {"Repair within target", "修复达标率"},
	"goal.failure_rate":                     {"System failure rate", "系统故障率"},
	"goal.csat":                             {"User satisfaction", "用户满意度"},
	"goal.source.first_response_attainment": {"First-response clocks of tickets opened this month", "本月工单的首次响应计时"},
	"goal.source.resolution_attainment":     {"Resolution clocks of tickets opened this month", "本月工单的解决计时"},
	"goal.source.failure_rate":              {"Measured by monitoring", "由监控测量"},
	"goal.source.csat":                      {"Measured by satisfaction surveys", "由满意度调查测量"},
	"tickets.title":                         {"Tickets", "工单"},
	"tickets.filter":                        {"Filter", "筛选"},
	"tickets.any":                           {"Any", "全部"},
	"tickets.service":                       {"Service", "服务"},
	"tickets.type":                          {"Type", "类型"},
	"tickets.priority":                      {"Priority", "优先级"},
	"tickets.status":                        {"Status", "状态"},
	"tickets.sla_state":                     {"SLA", "SLA"},
	"tickets.title_col":                     {"Title", "标题"},
	"tickets.opened":                        {"Opened", "创建时间"},
	"tickets.response":                      {"Response", "响应"},
	"tickets.resolution":                    {"Resolution", "解决"},
	"tickets.sort":                          {"Order", "排序"},
	"tickets.sort_due":                      {"Time left", "剩余时间"},
	"tickets.sort_newest":                   {"Newest first", "最新优先"},
	"tickets.time_left":                     {"Time left", "剩余时间"},
	"tickets.next":                          {"Next page", "下一页"},
	"tickets.empty":                         {"No ticket matches.", "没有匹配的工单。"},
	"ticket.timeline":                       {"Timeline", "时间线"},
	"ticket.clocks":                         {"SLA clocks", "SLA 计时"},
	"ticket.due":                            {"Due", "截止"},
	"ticket.met_at":                         {"Met at", "达成于"},
	"ticket.elapsed":                        {"Elapsed", "已用"},
	"ticket.target":                         {"Target", "目标"},
	"ticket.reply":                          {"Reply to the requester", "回复请求人"},
	"ticket.note":                           {"Internal note", "内部备注"},
	"ticket.send_reply":                     {"Send reply", "发送回复"},
	"ticket.add_note":                       {"Add note", "添加备注"},
	"ticket.ack":                            {"Acknowledge", "确认受理"},
	"ticket.set_status":                     {"Change status", "更改状态"},
	"ticket.set_priority":                   {"Change priority", "更改优先级"},
	"ticket.apply":                          {"Apply", "应用"},
	"ticket.description":                    {"Description", "描述"},
	"ticket.explain":                        {"How this clock ran", "计时过程"},
	"new.title":                             {"Open a ticket", "新建工单"},
	"new.submit":                            {"Open ticket", "创建工单"},
	"account.title":                         {"Account", "账户"},
	"account.language":                      {"Language", "语言"},
	"account.timezone":                      {"Time zone", "时区"},
	"account.save":                          {"Save", "保存"},
	"account.password":                      {"Change password", "修改密码"},
	"account.current":                       {"Current password", "当前密码"},
	"account.new":                           {"New password", "新密码"},
	"account.saved":                         {"Saved.", "已保存。"},
	"account.auto":                          {"From the browser", "跟随浏览器"},
	"error.title":                           {"Something is wrong", "出错了"},
	"error.forbidden":                       {"Your role may not do this.", "您的角色无权执行此操作。"},
	"error.csrf":                            {"The form has expired. Go back, reload the page and try again.", "表单已过期，请返回并刷新页面后重试。"},
	"error.not_found":                       {"This page does not exist.", "页面不存在。"},
	"error.back":                            {"Back to the dashboard", "返回概览"},
	"state.running":                         {"running", "计时中"},
	"state.paused":                          {"paused", "已暂停"},
	"state.met":                             {"met", "已达成"},
	"state.breached":                        {"breached", "已超时"},
	"stretch.running":                       {"running", "计时"},
	"stretch.paused":                        {"paused", "暂停"},
	"stretch.stopped":                       {"stopped", "停止"},
	"status.new":                            {"new", "新建"},
	"status.in_progress":                    {"in progress", "处理中"},
	"status.waiting_on_customer":            {"waiting on customer", "等待客户"},
	"status.resolved":                       {"resolved", "已解决"},
	"status.closed":                         {"closed", "已关闭"},
	"type.incident":                         {"incident", "事件"},
	"type.request":                          {"request", "请求"},
	"type.problem":                          {"problem", "问题"},
	"type.change":                           {"change", "变更"},
	"type.feedback":                         {"feedback", "反馈"},
	"event.staff":                           {"Staff", "工作人员"},
	"event.opened":                          {"opened the ticket", "创建了工单"},
	"event.comment":                         {"replied", "回复"},
	"event.note":                            {"added an internal note", "添加了内部备注"},
	"event.requester":                       {"The requester wrote", "请求人写道"},
	"event.ack":                             {"acknowledged", "确认受理"},
	"event.status":                          {"changed the status to", "将状态改为"},
	"event.priority":                        {"changed the priority to", "将优先级改为"},
	"event.sla_warning":                     {"SLA warning", "SLA 预警"},
	"event.sla_breached":                    {"SLA breached", "SLA 超时"},
	"clock.first_response":                  {"First response", "首次响应"},
	"clock.resolution":                      {"Resolution", "解决"},
	"unit.left":                             {"left", "剩余"},
	"unit.overdue":                          {"overdue", "已超时"},
}
