// What the ticket's channel lets a public reply be right now (the server checks the same rules
// and answers 422 otherwise; docs/api.md): WhatsApp outside 24 hours after the customer's last
// message takes only an approved template; Messenger and Instagram outside 24 hours take a
// message tag (HUMAN_AGENT for 7 days; Messenger also the update tags).
import { useEffect, useState } from "preact/hooks";
import { api, type Message, type Ticket } from "./api";
import { t } from "./i18n";

const DAY = 86400_000;

export type ReplyWindow = { kind: "open" } | { kind: "template" } | { kind: "tag"; tags: string[] };

export function replyWindow(ticket: Ticket, messages: Message[], now = Date.now()): ReplyWindow {
  const inbound = messages.filter((m) => m.direction === "in").map((m) => Date.parse(m.created_at));
  const since = inbound.length ? now - Math.max(...inbound) : Infinity;
  if (since <= DAY) return { kind: "open" };
  if (ticket.channel === "whatsapp") return { kind: "template" };
  if (ticket.channel === "messenger" || ticket.channel === "instagram") {
    const tags = since <= 7 * DAY ? ["HUMAN_AGENT"] : [];
    if (ticket.channel === "messenger") tags.push("ACCOUNT_UPDATE", "POST_PURCHASE_UPDATE", "CONFIRMED_EVENT_UPDATE");
    return { kind: "tag", tags };
  }
  return { kind: "open" };
}

interface Template {
  channel_type: string;
  channel: string;
  name: string;
  language: string;
  text: string;
  parameters: number;
}
export interface TemplateChoice {
  name: string;
  language: string;
  parameters: string[];
}

// An approved template of the ticket's channel, its parameters, and the text it will send.
export function TemplatePicker({ channel, onChange }: { channel: string; onChange: (c: TemplateChoice | null) => void }) {
  const [templates, setTemplates] = useState<Template[]>([]);
  const [picked, setPicked] = useState(-1);
  const [params, setParams] = useState<string[]>([]);
  useEffect(() => {
    api<{ templates: Template[] }>("GET", "/api/v1/templates")
      .then((r) => setTemplates(r.templates.filter((x) => x.channel === channel)))
      .catch(() => setTemplates([]));
  }, [channel]);
  const tpl = templates[picked];
  useEffect(() => {
    onChange(tpl && params.every((p) => p.trim()) ? { name: tpl.name, language: tpl.language, parameters: params } : null);
  }, [picked, params.join("\u0000")]);
  const preview = tpl ? tpl.text.replace(/\{\{(\d+)\}\}/g, (_, n) => params[Number(n) - 1] || `{{${n}}}`) : "";
  return (
    <fieldset class="template-picker">
      <legend>{t("The 24-hour window is closed: send an approved template")}</legend>
      {templates.length === 0 && <p>{t("This channel has no approved templates.")}</p>}
      {templates.length > 0 && (
        <>
          <label for="template">{t("Template")}</label>
          <select id="template" value={picked} onChange={(e) => {
            const i = Number((e.target as HTMLSelectElement).value);
            setPicked(i);
            setParams(Array(templates[i]?.parameters ?? 0).fill(""));
          }}>
            <option value={-1}>{t("Choose…")}</option>
            {templates.map((x, i) => <option value={i} key={`${x.name}/${x.language}`}>{x.name} ({x.language})</option>)}
          </select>
        </>
      )}
      {params.map((p, i) => (
        <div key={i}>
          <label for={`template-${i + 1}`}>{`{{${i + 1}}}`}</label>
          <input id={`template-${i + 1}`} value={p}
                 onInput={(e) => setParams(params.map((q, j) => (j === i ? (e.target as HTMLInputElement).value : q)))} />
        </div>
      ))}
      {tpl && <p class="template-preview">{preview}</p>}
    </fieldset>
  );
}

export function TagPicker({ tags, value, onChange }: { tags: string[]; value: string; onChange: (tag: string) => void }) {
  return (
    <div class="tag-picker">
      <label for="message-tag">{t("Message tag (outside the 24-hour window)")}</label>
      <select id="message-tag" value={value} onChange={(e) => onChange((e.target as HTMLSelectElement).value)}>
        <option value="">{t("Choose…")}</option>
        {tags.map((x) => <option value={x} key={x}>{x}</option>)}
      </select>
    </div>
  );
}

const MAX_FILES = 20;
const MAX_BYTES = 25 * 1024 * 1024;  // the API's limit for the files of one message together

// How many files the message may carry (0: none; the server answers 422 past it): any number on
// notes and on replies by email (sent after the text); one on WhatsApp and Telegram, whose
// message is the file with the reply's text as its caption, and on Twilio (MMS, or WhatsApp
// through Twilio), which sends it beside the text.
export function fileLimit(ticket: Ticket, internal: boolean): number {
  if (internal || ticket.channel === "email") return MAX_FILES;
  if (["whatsapp", "telegram", "twilio"].includes(ticket.channel)) return 1;
  return 0;
}

// What the agent should know when a channel takes one file.
export function oneFileHint(channel: string): string {
  return channel === "twilio"
    ? t("One file per message on this channel, sent with the reply (at most 5 MB by MMS, 16 MB on WhatsApp).")
    : t("One file per message on this channel: the reply goes as its caption (at most 1,024 characters).");
}

export interface Attachment {
  filename: string;
  content_type: string;
  content_base64: string;
}

async function encode(file: File): Promise<Attachment> {
  const data = await new Promise<string>((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
  return { filename: file.name, content_type: file.type || "application/octet-stream",
           content_base64: data.slice(data.indexOf(",") + 1) };
}

export function toAttachments(files: File[]): Promise<Attachment[]> {
  return Promise.all(files.map(encode));
}

// The files chosen for the message being written; each can be taken off before sending.
export function FilePicker({ files, max, hint, onChange }:
  { files: File[]; max: number; hint?: string; onChange: (f: File[]) => void }) {
  const total = files.reduce((n, f) => n + f.size, 0);
  const tooMany = files.length > max || total > MAX_BYTES;
  const one = max === 1;
  return (
    <div class="file-picker">
      <label for="files">{t(one ? "Attach a file" : "Attach files")}</label>
      <input id="files" type="file" multiple={!one} onChange={(e) => {
        const input = e.target as HTMLInputElement;
        onChange([...files, ...Array.from(input.files ?? [])]);
        input.value = "";
      }} />
      {one && hint && <p class="hint">{hint}</p>}
      {files.length > 0 && (
        <ul class="chosen-files">
          {files.map((f, i) => (
            <li key={`${f.name}-${i}`}>{f.name} ({Math.ceil(f.size / 1024)} KB){" "}
              <button type="button" aria-label={`${t("Remove")} ${f.name}`}
                      onClick={() => onChange(files.filter((_, j) => j !== i))}>×</button>
            </li>
          ))}
        </ul>
      )}
      {tooMany && <p class="error" role="alert">{t(one ? "One file per message, at most 25 MB." : "At most 20 files, 25 MB together.")}</p>}
    </div>
  );
}
