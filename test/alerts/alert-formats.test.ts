import { describe, expect, it } from "vitest";
import { formatAlertBody, inferAlertFormat, webhookUrlHint, type AlertMessage } from "../../lib/alerts/alert-formats";

const message: AlertMessage = {
  kind: "error_rate",
  incidentKey: "error_rate:openai",
  state: "firing",
  title: "Success rate 50.0% for OpenAI",
  lines: ["Success rate 50.0% (10/20) over the last 5 minutes", "Top errors: upstream_error ×10"],
  details: { successRate: 0.5 },
  time: Date.UTC(2026, 10, 26, 12, 0, 0),
};

describe("alert body formats", () => {
  it("generic: our JSON with state, title, message, details and ISO time", () => {
    expect(formatAlertBody("generic", message)).toEqual({
      source: "modelgate",
      kind: "error_rate",
      incidentKey: "error_rate:openai",
      state: "firing",
      title: "Success rate 50.0% for OpenAI",
      message: "Success rate 50.0% (10/20) over the last 5 minutes\nTop errors: upstream_error ×10",
      details: { successRate: 0.5 },
      time: "2026-11-26T12:00:00.000Z",
    });
  });

  it("Slack: text fallback plus header and mrkdwn section blocks", () => {
    const body = formatAlertBody("slack", message) as any;
    expect(body.text).toContain("[ALERT] Success rate 50.0% for OpenAI");
    expect(body.blocks).toEqual([
      { type: "header", text: { type: "plain_text", text: "[ALERT] Success rate 50.0% for OpenAI" } },
      { type: "section", text: { type: "mrkdwn", text: expect.stringContaining("Top errors") } },
    ]);
  });

  it("Feishu/Lark: msg_type text with content.text", () => {
    const body = formatAlertBody("feishu", { ...message, state: "resolved" }) as any;
    expect(Object.keys(body).sort()).toEqual(["content", "msg_type"]);
    expect(body.msg_type).toBe("text");
    expect(body.content.text).toMatch(/^\[RESOLVED\] Success rate 50.0% for OpenAI\nSuccess rate/);
  });

  it("DingTalk: msgtype markdown with title and text", () => {
    const body = formatAlertBody("dingtalk", message) as any;
    expect(body.msgtype).toBe("markdown");
    expect(body.markdown.title).toBe("[ALERT] Success rate 50.0% for OpenAI");
    expect(body.markdown.text).toBe("### [ALERT] Success rate 50.0% for OpenAI\n\n- Success rate 50.0% (10/20) over the last 5 minutes\n- Top errors: upstream_error ×10");
  });

  it("WeCom: msgtype markdown with content only", () => {
    const body = formatAlertBody("wecom", message) as any;
    expect(body).toEqual({ msgtype: "markdown", markdown: { content: expect.stringMatching(/^\*\*\[ALERT\] Success rate 50.0% for OpenAI\*\*\n- Success/) } });
  });

  it("truncates very long messages to what the chat tools accept", () => {
    const long = { ...message, lines: Array.from({ length: 500 }, (_, index) => `- key number ${index} is broken`) };
    expect((formatAlertBody("wecom", long) as any).markdown.content.length).toBeLessThanOrEqual(3000);
    expect((formatAlertBody("slack", long) as any).blocks[1].text.text.length).toBeLessThanOrEqual(3000);
  });

  it("recognizes vendor webhook hosts for ALERT_WEBHOOK_URL and masks URLs", () => {
    expect(inferAlertFormat("https://hooks.slack.com/services/T0/B0/secret")).toBe("slack");
    expect(inferAlertFormat("https://open.feishu.cn/open-apis/bot/v2/hook/abc")).toBe("feishu");
    expect(inferAlertFormat("https://open.larksuite.com/open-apis/bot/v2/hook/abc")).toBe("feishu");
    expect(inferAlertFormat("https://oapi.dingtalk.com/robot/send?access_token=abc")).toBe("dingtalk");
    expect(inferAlertFormat("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc")).toBe("wecom");
    expect(inferAlertFormat("http://127.0.0.1:9/x")).toBe("generic");
    expect(webhookUrlHint("https://hooks.slack.com/services/T0/B0/verysecrettoken1234")).toBe("https://hooks.slack.com/…1234");
  });
});
