package demo

import (
	"math/rand/v2"
	"strings"

	"github.com/sqmhq/sqm"
)

// The demo's words, in English and Simplified Chinese. In titles and
// descriptions {svc} is the service's name and {zh} its Chinese name.

var titles = map[sqm.TicketType][]string{
	sqm.TypeIncident: {
		"{svc} returns HTTP 502 for some users",
		"{zh}响应缓慢，P95 超过 3 秒",
		"Login loop on {svc} after a password reset",
		"{zh}部分用户无法登录",
		"Error rate spike on {svc} since the last deploy",
		"{zh}页面白屏，控制台报错",
		"Timeouts calling {svc} from the nightly batch",
	},
	sqm.TypeRequest: {
		"Please add a new admin account for {svc}",
		"申请开通{zh}测试环境权限",
		"Export last month's transaction report from {svc}",
		"请协助重置{zh}的 API 密钥",
		"Allow-list the partner IP range for {svc}",
		"申请调整{zh}的消息通知模板",
	},
	sqm.TypeProblem: {
		"Recurring connection-pool exhaustion on {svc}",
		"{zh}每周一早高峰偶发超时，需要根因分析",
		"Memory leak suspected in the {svc} workers",
		"{zh}缓存命中率持续下降",
	},
	sqm.TypeChange: {
		"Renew and roll out the TLS certificate of {svc}",
		"{zh}数据库版本升级",
		"Enable the new checkout flow on {svc} behind a feature flag",
		"调整{zh}的限流阈值",
	},
	sqm.TypeFeedback: {
		"{svc} is hard to use on small screens",
		"建议{zh}支持深色模式",
		"It takes too long to find invoices in {svc}",
		"{zh}的退款进度展示不清楚",
		"Search in {svc} got much better, thanks",
	},
}

var descriptions = map[sqm.TicketType][]string{
	sqm.TypeIncident: {
		"Several customers report failures on {svc} since about 20 minutes ago. Monitoring shows the error rate above 5%.",
		"客服反馈{zh}出现大面积报错，影响下单，请尽快处理。",
		"Steps: open {svc}, sign in, go to Orders. Expected: the list. Actual: a spinner, then \"Something went wrong\".",
	},
	sqm.TypeRequest: {
		"Needed for the quarterly audit; please complete by the end of the week.",
		"因业务需要，请协助处理，谢谢。",
	},
	sqm.TypeProblem: {
		"Three incidents in two weeks with the same symptoms on {svc}. Let's find the root cause.",
		"多次事件的共同原因待查，详见关联事件单。",
	},
	sqm.TypeChange: {
		"Planned in the Thursday change window. Rollback: revert the release. Risk: low.",
		"变更窗口：周四 22:00-23:00。回滚方案：恢复上一版本配置。",
	},
	sqm.TypeFeedback: {
		"Submitted through the feedback portal of {svc}.",
		"来自用户反馈渠道：{zh}。",
	},
}

var (
	requesterDetail = []string{
		"This is blocking our whole team.",
		"补充：只有安卓用户出现这个问题。",
		"Still happening right now, screenshot attached.",
		"请问大概什么时候能处理？",
	}
	staffReply = []string{
		"Thanks for the report, we are looking into it.",
		"您好，已收到您的问题，我们正在排查。",
		"I have reproduced this on staging and am working on it.",
		"收到，已安排工程师跟进处理。",
	}
	internalNote = []string{
		"Logs show upstream timeouts from the database replica.",
		"怀疑与昨晚的发布有关，已联系开发确认。",
		"Same stack trace as last week's incident; linking them.",
		"需要 DBA 协助查看慢查询。",
		"Vendor ticket opened, waiting for their engineer.",
	}
	askInfo = []string{
		"Could you send us the order number and the time you saw the error?",
		"请提供出现问题的截图和大致时间，方便我们定位。",
		"Which browser and app version are you using?",
	}
	requesterInfo = []string{
		"Order 20261107-3381, at about 14:20.",
		"截图已上传，时间大约是上午十点。",
		"Chrome 131 on Windows, app version 5.2.1.",
	}
	resolvedNote = []string{
		"Fixed by rolling back the configuration change. Please confirm.",
		"已修复并发布，请您验证。",
		"Done: access granted.",
		"问题已解决，原因是缓存过期策略配置错误。",
		"The patch is deployed and the error rate is back to normal.",
	}
	reopenNote = []string{
		"Sorry, it happened again this morning.",
		"问题依旧存在，请再看一下。",
	}
	thanksNote = []string{
		"Confirmed, it works now. Thank you!",
		"已确认，谢谢！",
	}
	chaseNote = []string{
		"Any update on this?",
		"请问处理进展如何？",
	}
)

// pick returns a random element of list.
func pick[T any](rng *rand.Rand, list []T) T { return list[rng.IntN(len(list))] }

// fill replaces the service placeholders of a text.
func fill(s string, svc *service) string {
	return strings.NewReplacer("{svc}", svc.Name, "{zh}", svc.zh).Replace(s)
}
