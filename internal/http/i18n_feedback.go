package http

func init() {
	for k, v := range feedbackMessages {
		messages[k] = v
	}
}

// feedbackMessages are the strings of the feedback analysis: key →
// {English, 简体中文}.
var feedbackMessages = map[string][2]string{
	"nav.feedback":    {"Feedback", "用户反馈"},
	"fb.title":        {"User feedback", "用户反馈分析"},
	"fb.pieces":       {"pieces of feedback", "条反馈"},
	"fb.portal":       {"the public portal", "公开反馈页"},
	"fb.by_kind":      {"By kind", "按类型"},
	"fb.by_service":   {"By service", "按服务"},
	"fb.by_status":    {"By status", "按状态"},
	"fb.none":         {"None in this period.", "本期暂无。"},
	"fb.by_week":      {"By week", "按周"},
	"fb.clocks":       {"Response and resolution of feedback", "反馈的响应与解决"},
	"fb.groups":       {"What users commonly raise", "用户共同关注的问题"},
	"fb.groups.about": {"Feedback grouped by similar wording (Chinese and English), largest first. Growth compares the last 7 days of the period with the 7 before.", "按相近的表述（中英文）归组，按数量排序。增长对比本期最后 7 天与之前 7 天。"},
	"fb.groups.none":  {"No two pieces of feedback are alike in this period.", "本期暂无相似的反馈。"},
	"fb.group":        {"Group (its words; open to see its feedback)", "问题组（关键词，展开查看反馈）"},
	"fb.size":         {"Feedback", "反馈数"},
	"fb.open":         {"Open", "未关闭"},
	"fb.growth":       {"Last 7 days / 7 before", "近 7 天 / 之前 7 天"},
	"fb.rising":       {"Rising", "上升"},
	"ticket.similar":  {"Similar open feedback", "相似的未关闭反馈"},
}
