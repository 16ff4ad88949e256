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

const OPEN = "status=new,open,pending,on_hold";

// GET /api/v1/queues: how many open tickets each queue holds (from the server's counters).
interface QueueCounts {
  open: number;
  mine: number;
  unassigned: number;
  sla_at_risk: number;
  sla_breached: number;
  groups: { id: number; name: string; open: number }[];
}
interface View {
  id: string;
  label: string;
  query: string;
  count?: number;
}

function viewsOf(c: QueueCounts | null, search: string): View[] {
  const views: View[] = [
    { id: "open", label: t("Open"), query: OPEN, count: c?.open },
    { id: "mine", label: t("Mine"), query: `${OPEN}&assignee=me`, count: c?.mine },
    { id: "unassigned", label: t("Unassigned"), query: `${OPEN}&assignee=none`, count: c?.unassigned },
    { id: "at_risk", label: t("SLA at risk"), query: `${OPEN}&sla=at_risk`, count: c?.sla_at_risk },
    { id: "breached", label: t("SLA breached"), query: `${OPEN}&sla=breached`, count: c?.sla_breached },
    ...(c?.groups ?? []).map((g) => ({ id: `group-${g.id}`, label: g.name, query: `${OPEN}&group=${g.id}`, count: g.open })),
  ];
  // A search covers every ticket, solved and closed too.
  if (search) views.push({ id: "search", label: `${t("Search")}: ${search}`, query: `q=${encodeURIComponent(search)}` });
  return views;
}

export function Queue() {
  const [view, setView] = useState("open");
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const [error, setError] = useState("");
  const [cursor, setCursor] = useState(0);
  const pending = useRef<number | undefined>(undefined);
  // The cursors of the pages shown so far ("" is the first); the last is this page's.
  const [trail, setTrail] = useState<string[]>([""]);
  const [older, setOlder] = useState<string | null>(null);
  const [counts, setCounts] = useState<QueueCounts | null>(null);
  const [search, setSearch] = useState("");
  const searchBox = useRef<HTMLInputElement>(null);
  const views = viewsOf(counts, search);

  async function load(which = view, page = trail[trail.length - 1]) {
    const v = views.find((x) => x.id === which) ?? views[0];
    api<QueueCounts>("GET", "/api/v1/queues").then(setCounts).catch(() => {});
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
  }, [view, trail, search]);

  function page(next: string[]) {
    setTrail(next);
    setCursor(0);
  }

  function find(e: Event) {
    e.preventDefault();
    const text = searchBox.current?.value.trim() ?? "";
    setSearch(text);
    setView(text ? "search" : "open");
    page([""]);
  }

  useEffect(() => {
    const keys = (e: KeyboardEvent) => {
      if ((e.target as HTMLElement).closest("input, textarea, select")) return;
      if (e.key === "/") {
        e.preventDefault();
        searchBox.current?.focus();
        return;
      }
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
      <form class="search" role="search" onSubmit={find}>
        <label for="search" class="visually-hidden">{t("Search tickets")}</label>
        <input id="search" ref={searchBox} type="search" placeholder={t("Search tickets (/)")} />
        <button type="submit">{t("Search")}</button>
      </form>
      <nav class="views" aria-label={t("Queues")}>
        {views.map((v) => (
          <button type="button" class={v.id === view ? "current" : ""} aria-pressed={v.id === view}
                  onClick={() => { setView(v.id); page([""]); }}>
            {v.label}{v.count !== undefined && <>{" "}<span class="count">{v.count}</span></>}
          </button>
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
