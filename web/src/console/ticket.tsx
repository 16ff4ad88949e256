// One ticket: the thread across channels, the composer (reply or internal note, drafts kept
// per ticket across reloads), status, and the customer panel with their experience record.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, Message, TicketView } from "./api";
import { CustomerPanel } from "./customer";
import { CustomerHtml } from "./customer_html";
import { statuses, when } from "./format";
import { live } from "./live";
import { FilePicker, fileLimit, oneFileHint, replyWindow, TagPicker, TemplatePicker, toAttachments, type ReplyWindow,
         type TemplateChoice } from "./composer_rules";
import { navigate, onLink } from "./router";
import { SlaBadge } from "./sla";
import { Assignee, GroupPicker, MacroPicker, Merge, Priority, Tags, useViewing } from "./work";
import { t } from "./i18n";

function draftKey(id: number) {
  return `touchpoint.draft.${id}`;
}

function Delivery({ m }: { m: Message }) {
  if (m.direction !== "out" || m.internal || !m.delivery_status) return null;
  const marks: Record<string, string> = { queued: "queued", sent: "✓ sent", delivered: "✓✓ delivered", read: "✓✓ read", failed: "failed" };
  return (
    <span class={`delivery ${m.delivery_status}`}>
      {marks[m.delivery_status] ?? m.delivery_status}
      {m.delivery_error && <> — {m.delivery_error}</>}
    </span>
  );
}

function Thread({ messages }: { messages: Message[] }) {
  const [formatted, setFormatted] = useState<Record<number, boolean>>({});
  return (
    <ol class="thread">
      {messages.map((m) => (
        <li key={m.id} class={`message ${m.author}${m.internal ? " note" : ""}`}>
          <header>
            <strong>{m.internal ? t("Internal note") : m.author === "customer" ? t("Customer") : m.author === "agent" ? t("Agent") : "Touchpoint"}</strong>
            <span class="channel">{m.channel}</span>
            <time dateTime={m.created_at}>{when(m.created_at)}</time>
            <Delivery m={m} />
          </header>
          {m.html && formatted[m.id] ? <CustomerHtml html={m.html} /> : <p class="body">{m.body}</p>}
          {m.html && (
            <button type="button" class="link" onClick={() => setFormatted({ ...formatted, [m.id]: !formatted[m.id] })}>
              {formatted[m.id] ? t("Show text") : t("Show formatted")}
            </button>
          )}
          {m.attachments.length > 0 && (
            <ul class="attachments">
              {m.attachments.map((a) => (
                <li key={a.id}><a href={`/api/v1/attachments/${a.id}`} rel="noopener">{a.filename}</a> ({Math.ceil(a.size / 1024)} KB)</li>
              ))}
            </ul>
          )}
        </li>
      ))}
    </ol>
  );
}

export function TicketPage({ id }: { id: number }) {
  const [ticket, setTicket] = useState<TicketView | null>(null);
  const [error, setError] = useState("");
  const [text, setText] = useState(() => localStorage.getItem(draftKey(id)) ?? "");
  const [internal, setInternal] = useState(false);
  const [sending, setSending] = useState(false);
  const [notice, setNotice] = useState("");
  const [version, setVersion] = useState(0);  // each load: the customer panel reads again
  const [macroId, setMacroId] = useState<number | null>(null);
  const [typing, setTyping] = useState(false);
  const typingTimer = useRef<number | undefined>(undefined);
  const others = useViewing(id, typing);
  const [customerTyping, setCustomerTyping] = useState(false);  // a web chat visitor, live
  const [template, setTemplate] = useState<TemplateChoice | null>(null);
  const [tag, setTag] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const reply = useRef<HTMLTextAreaElement>(null);

  async function load() {
    try {
      setTicket(await api<TicketView>("GET", `/api/v1/tickets/${id}`));
      setVersion((v) => v + 1);
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }

  useEffect(() => {
    load();
    setText(localStorage.getItem(draftKey(id)) ?? "");
    setCustomerTyping(false);
    return live.on((e) => {
      if (e.type === "ticket.customer_typing") {
        if (e.data?.ticket_id === id) setCustomerTyping(!!e.data.typing);
        return;
      }
      if (e.type === "ticket.viewing") return;  // useViewing's
      if (e.type === "message.created" && e.data?.ticket_id === id) setCustomerTyping(false);
      if (e.type === "resync" || e.data?.ticket_id === id || e.data?.id === id) load();
    });
  }, [id]);

  useEffect(() => {
    const keys = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest("input, textarea, select")) return;
      if (e.key === "r" || e.key === "n") {
        e.preventDefault();
        setInternal(e.key === "n");
        reply.current?.focus();
      } else if (e.key === "s" && ticket) {
        setStatus("solved");
      }
    };
    addEventListener("keydown", keys);
    return () => removeEventListener("keydown", keys);
  }, [ticket]);

  function edit(value: string) {
    setText(value);
    setTyping(true);
    window.clearTimeout(typingTimer.current);
    typingTimer.current = window.setTimeout(() => setTyping(false), 4000);
    if (!value) setMacroId(null);
    if (value) localStorage.setItem(draftKey(id), value);
    else localStorage.removeItem(draftKey(id));
  }

  const window_ = ticket ? replyWindow(ticket, ticket.messages) : ({ kind: "open" } as ReplyWindow);
  const byTemplate = !internal && window_.kind === "template";
  const maxFiles = ticket !== null && !byTemplate ? fileLimit(ticket, internal) : 0;
  const withFiles = maxFiles > 0;

  async function send(e: Event) {
    e.preventDefault();
    if (byTemplate ? !template : !text.trim()) return;
    setSending(true);
    setNotice("");
    try {
      // The newest message this agent saw: if a colleague replied meanwhile, the server says
      // who (409) and nothing is sent; the thread reloads and Send again replies anyway.
      const seen = ticket ? Math.max(0, ...ticket.messages.map((m) => m.id)) : 0;
      const body: Record<string, unknown> = byTemplate
        ? { template, seen_message_id: seen }
        : { body: text, internal, seen_message_id: seen };
      if (macroId && !byTemplate) body.macro_id = macroId;
      if (!internal && window_.kind === "tag" && tag) body.tag = tag;
      if (withFiles && files.length) body.attachments = await toAttachments(files);
      await api("POST", `/api/v1/tickets/${id}/messages`, body);
      edit("");
      setFiles([]);
      setTyping(false);
      setNotice(internal ? t("Note added.") : t("Reply queued."));
      await load();
    } catch (err) {
      if (err instanceof ApiError && err.status === 409) {
        setNotice(`${err.message}. The thread is up to date now: Send again to reply anyway.`);
        await load();
      } else {
        setNotice(err instanceof ApiError ? err.message : String(err));
      }
    } finally {
      setSending(false);
    }
  }

  async function patch(change: object) {
    try {
      await api("PATCH", `/api/v1/tickets/${id}`, change);
      await load();
    } catch (err) {
      setNotice((err as Error).message);
    }
  }
  const setStatus = (status: string) => patch({ status });

  if (error) return <main><p class="error" role="alert">{error}</p><a href="/" onClick={onLink}>{t("Back to the queue")}</a></main>;
  if (!ticket) return <main><p>{t("Loading…")}</p></main>;
  return (
    <main class="ticket">
      <section class="conversation">
        <p><a href="/" onClick={onLink}>{t("← Queue")}</a></p>
        <h1>{ticket.subject || `Ticket #${ticket.id}`}</h1>
        <div class="facts">
          <label for="status">{t("Status")}</label>
          <select id="status" value={ticket.status} onChange={(e) => setStatus((e.target as HTMLSelectElement).value)}>
            {statuses.map((s) => <option value={s}>{t(s === "open" ? "open " : s.replace("_", " "))}</option>)}
          </select>
          <Priority ticket={ticket} onChange={patch} />
          <Assignee ticket={ticket} onChange={patch} />
          <GroupPicker ticket={ticket} onChange={patch} />
          <Tags ticket={ticket} onChange={patch} />
          <span class="channel">{ticket.channel} · {ticket.channel_name}</span>
          <SlaBadge sla={ticket.sla} />
          {ticket.survey && (
            <span class="survey">
              Survey {ticket.survey.status}{ticket.survey.score !== null && <>: {ticket.survey.score} ({ticket.survey.kind})</>}
            </span>
          )}
        </div>
        {customerTyping && <p class="viewing" role="status">{t("The customer is typing…")}</p>}
        {others.length > 0 && (
          <p class="viewing" role="status">
            {others.map((o) => `${o.name} is ${o.typing ? "typing a reply" : "viewing"}`).join(" · ")}
          </p>
        )}
        <Thread messages={ticket.messages} />
        <form class="composer" onSubmit={send}>
          {byTemplate ? (
            <TemplatePicker channel={ticket.channel_name} onChange={setTemplate} />
          ) : (
            <>
              <label for="reply">{t("Reply")}</label>
              <textarea id="reply" ref={reply} rows={5} value={text} class={internal ? "note" : ""}
                        onInput={(e) => edit((e.target as HTMLTextAreaElement).value)} />
            </>
          )}
          {!internal && window_.kind === "tag" && <TagPicker tags={window_.tags} value={tag} onChange={setTag} />}
          {withFiles && <FilePicker files={files} max={maxFiles} hint={oneFileHint(ticket.channel)} onChange={setFiles} />}
          <div class="composer-actions">
            <MacroPicker ticketId={id} onPick={(body, mid) => { edit(body); setMacroId(mid); }} />
            <label class="inline"><input type="checkbox" checked={internal}
                   onChange={(e) => setInternal((e.target as HTMLInputElement).checked)} /> {t("Internal note")}</label>
            <span class="count" aria-live="polite">{[...text].length} {t("characters")}</span>
            <button type="submit" disabled={sending}>{t("Send")}</button>
          </div>
          {notice && <p class="notice" role="status">{notice}</p>}
        </form>
      </section>
      <div class="side">
        <CustomerPanel customerId={ticket.customer_id} version={version} />
        {ticket.status !== "closed" && <Merge ticketId={id} onMerged={(into) => navigate(`/tickets/${into}`)} />}
      </div>
    </main>
  );
}
