// The queue: open tickets (every status but solved and closed), most recently active first,
// kept current by live events (no polling). j/k move, Enter opens. One page of 100 at a time,
// paged by the API's cursor (Older / Newer), so a queue of any length costs one page's memory.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, Ticket } from "./api";
import { ago } from "./format";
import { SlaBadge } from "./sla";
import { live } from "./live";
import { navigate, onLink } from "./router";
import { t, t as tr } from "./i18n";

const views: { id: string; label: string; query: string }[] = [
  { id: "open", label: "Open", query: "status=new,open,pending,on_hold" },
  { id: "mine", label: "Mine", query: "status=new,open,pending,on_hold&assignee=me" },
  { id: "unassigned", label: "Unassigned", query: "status=new,open,pending,on_hold&assignee=none" },
  { id: "at_risk", label: "SLA at risk", query: "status=new,open,pending,on_hold&sla=at_risk" },
  { id: "breached", label: "SLA breached", query: "status=new,open,pending,on_hold&sla=breached" },
];

export function Queue() {
  const [view, setView] = useState("open");
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const [error, setError] = useState("");
  const [cursor, setCursor] = useState(0);
  const pending = useRef<number | undefined>(undefined);
  // The cursors of the pages shown so far ("" is the first); the last is this page's.
  const [trail, setTrail] = useState<string[]>([""]);
  const [older, setOlder] = useState<string | null>(null);

  async function load(which = view, page = trail[trail.length - 1]) {
    const v = views.find((x) => x.id === which)!;
    try {
      const r = await api<{ tickets: Ticket[]; next_cursor?: string }>(
        "GET", `/api/v1/tickets?${v.query}&limit=100${page ? `&cursor=${encodeURIComponent(page)}` : ""}`);
      setTickets(r.tickets);
      setOlder(r.next_cursor ?? null);
      setError("");
    } catch (e) {
      setError((e as Error).message);
    }
  }

  useEffect(() => {
    load(view);
    // Every change to a ticket arrives as an event: read the page again, at most every 150 ms.
    return live.on((e) => {
      if (!/^(ticket|message|sla|survey)\./.test(e.type) && e.type !== "resync") return;
      window.clearTimeout(pending.current);
      pending.current = window.setTimeout(() => load(view), 150);
    });
  }, [view, trail]);

  function page(next: string[]) {
    setTrail(next);
    setCursor(0);
  }

  useEffect(() => {
    const keys = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest("input, textarea, select")) return;
      if (!tickets || tickets.length === 0) return;
      if (e.key === "j") setCursor((c) => Math.min(c + 1, tickets.length - 1));
      else if (e.key === "k") setCursor((c) => Math.max(c - 1, 0));
      else if (e.key === "Enter") navigate(`/tickets/${tickets[Math.min(cursor, tickets.length - 1)].id}`);
    };
    addEventListener("keydown", keys);
    return () => removeEventListener("keydown", keys);
  }, [tickets, cursor]);

  return (
    <main class="queue">
      <nav class="views" aria-label="Queues">
        {views.map((v) => (
          <button type="button" class={v.id === view ? "current" : ""} aria-pressed={v.id === view}
                  onClick={() => { setView(v.id); page([""]); }}>{t(v.label)}</button>
        ))}
      </nav>
      {error && <p class="error" role="alert">{error}</p>}
      {tickets === null ? <p>{t("Loading…")}</p> : tickets.length === 0 ? <p class="empty">{t("Nothing here.")}</p> : (
        <ol class="tickets">
          {tickets.map((t, i) => (
            <li class={i === cursor ? "cursor" : ""} key={t.id}>
              <a href={`/tickets/${t.id}`} onClick={onLink}>{t.subject || `Ticket #${t.id}`}</a>
              <span class={`status s-${t.status}`}>{tr(t.status === "open" ? "open " : t.status.replace("_", " "))}</span>
              <span class="channel">{t.channel}</span>
              <SlaBadge sla={t.sla} />
              <span class="when">{ago(t.updated_at)}</span>
            </li>
          ))}
        </ol>
      )}
      {(trail.length > 1 || older) && (
        <nav class="pages" aria-label={t("Pages")}>
          <button type="button" disabled={trail.length === 1} onClick={() => page(trail.slice(0, -1))}>{t("← Newer")}</button>
          <span>{t("Page")} {trail.length}</span>
          <button type="button" disabled={!older} onClick={() => older && page([...trail, older])}>{t("Older →")}</button>
        </nav>
      )}
    </main>
  );
}
