/**
 * Alert message bodies in the shapes each chat tool's incoming webhook accepts:
 * - generic: our own JSON (`source`, `kind`, `state`, `title`, `message`, `details`, `time`);
 * - Slack incoming webhook: `{text, blocks}` (https://api.slack.com/messaging/webhooks);
 * - Feishu/Lark custom bot: `{msg_type: "text", content: {text}}`
 *   (https://open.feishu.cn/document/client-docs/bot-v3/add-custom-bot);
 * - DingTalk custom robot: `{msgtype: "markdown", markdown: {title, text}}`
 *   (https://open.dingtalk.com/document/robots/custom-robot-access);
 * - WeCom group robot: `{msgtype: "markdown", markdown: {content}}`
 *   (https://developer.work.weixin.qq.com/document/path/91770).
 * Signed webhooks (DingTalk/Feishu "signature" security) are not supported: use their keyword or
 * IP allow-list security instead.
 */

/** Formats an admin can pick for a webhook. */
export const ALERT_FORMATS = ["generic", "slack", "feishu", "dingtalk", "wecom"] as const;
/** One of {@link ALERT_FORMATS}. */
export type AlertFormat = (typeof ALERT_FORMATS)[number];

/** One alert or recovery message, before formatting. */
export interface AlertMessage {
  /** `error_rate`, `key_status`, `test`, … */
  kind: string;
  /** Identifies the incident: it alerts once per window and resolves once. */
  incidentKey: string;
  state: "firing" | "resolved";
  title: string;
  /** Plain-text lines; never a key or a secret. */
  lines: string[];
  /** Structured facts for the generic format (rates, key ids, …). */
  details?: Record<string, unknown>;
  /** Epoch ms. */
  time: number;
}

// Chat tools cap message sizes (WeCom markdown: 4096 bytes; Slack section: 3000 chars).
const MAX_TEXT = 3000;
const truncate = (text: string, max: number) => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

/** The plain-text body of a message: its lines joined. */
export function messageText(message: AlertMessage): string {
  return truncate(message.lines.join("\n"), MAX_TEXT);
}

function headline(message: AlertMessage): string {
  return `${message.state === "firing" ? "[ALERT]" : "[RESOLVED]"} ${message.title}`;
}

/** The JSON body to POST for a format. */
export function formatAlertBody(format: AlertFormat, message: AlertMessage): unknown {
  const text = messageText(message);
  const title = headline(message);
  switch (format) {
    case "slack":
      return {
        text: truncate(`${title}\n${text}`, MAX_TEXT),
        blocks: [
          { type: "header", text: { type: "plain_text", text: truncate(title, 150) } },
          { type: "section", text: { type: "mrkdwn", text } },
        ],
      };
    case "feishu":
      return { msg_type: "text", content: { text: truncate(`${title}\n${text}`, MAX_TEXT) } };
    case "dingtalk":
      return { msgtype: "markdown", markdown: { title: truncate(title, 100), text: truncate(`### ${title}\n\n${markdownLines(message)}`, MAX_TEXT) } };
    case "wecom":
      return { msgtype: "markdown", markdown: { content: truncate(`**${title}**\n${markdownLines(message)}`, MAX_TEXT) } };
    case "generic":
      return {
        source: "modelgate",
        kind: message.kind,
        incidentKey: message.incidentKey,
        state: message.state,
        title: message.title,
        message: text,
        details: message.details ?? {},
        time: new Date(message.time).toISOString(),
      };
  }
}

// Markdown renderers collapse single newlines; a list keeps one fact per line.
function markdownLines(message: AlertMessage): string {
  return message.lines.map((line) => (line.startsWith("- ") ? line : `- ${line}`)).join("\n");
}

const FORMAT_BY_HOST: Array<[RegExp, AlertFormat]> = [
  [/(^|\.)hooks\.slack\.com$/, "slack"],
  [/(^|\.)open\.(feishu\.cn|larksuite\.com)$/, "feishu"],
  [/(^|\.)oapi\.dingtalk\.com$/, "dingtalk"],
  [/(^|\.)qyapi\.weixin\.qq\.com$/, "wecom"],
];

/** The format `ALERT_WEBHOOK_URL` gets: recognized from the vendor's webhook host, else generic. */
export function inferAlertFormat(url: string): AlertFormat {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return "generic";
  }
  return FORMAT_BY_HOST.find(([pattern]) => pattern.test(host))?.[1] ?? "generic";
}

/**
 * A webhook URL as the API and logs show it. Vendor webhook URLs carry their access token in the
 * path or query, so only the scheme, host and last 4 characters are shown.
 */
export function webhookUrlHint(url: string): string {
  try {
    const parsed = new URL(url);
    const rest = `${parsed.pathname}${parsed.search}`;
    return `${parsed.protocol}//${parsed.host}${rest.length > 1 ? `/…${rest.slice(-4)}` : ""}`;
  } catch {
    return "(invalid URL)";
  }
}
