// The ticket page's work controls: who it is assigned to, its priority, canned replies, and
// who else is on it (ticket.viewing from the other agents' consoles).
import { useEffect, useRef, useState } from "preact/hooks";
import { api, TicketView } from "./api";
import { live } from "./live";
import { currentAgent } from "./session";
import { t } from "./i18n";

interface AgentRow { id: number; name: string; email: string; active: boolean; presence?: string; open_tickets?: number }
export interface Macro { id: number; name: string; body: string; shared: boolean }

export function Assignee({ ticket, onChange }: { ticket: TicketView; onChange: (patch: object) => void }) {
  const me = currentAgent();
  const [agents, setAgents] = useState<AgentRow[] | null>(null);
  useEffect(() => {
    if (me && me.role !== "agent")
      api<{ agents: AgentRow[] }>("GET", "/api/v1/agents").then((r) => setAgents(r.agents.filter((a) => a.active))).catch(() => {});
  }, [me?.id]);
  if (agents) {
    return (
      <>
        <label for="assignee">{t("Assignee")}</label>
        <select id="assignee" value={ticket.assignee ?? ""}
                onChange={(e) => {
                  const v = (e.target as HTMLSelectElement).value;
                  onChange({ assignee: v === "" ? null : Number(v) });
                }}>
          <option value="">{t("Unassigned ")}</option>
          {agents.map((a) => <option value={a.id}>{a.name || a.email}{a.presence && a.presence !== "online" ? ` (${a.presence})` : ""}</option>)}
        </select>
      </>
    );
  }
  if (!me) return null;
  if (ticket.assignee === null) return <button type="button" onClick={() => onChange({ assignee: me.id })}>{t("Take it")}</button>;
  if (ticket.assignee === me.id) return <button type="button" class="secondary" onClick={() => onChange({ assignee: null })}>{t("Release")}</button>;
  return <span class="assignee">Assigned to agent #{ticket.assignee}</span>;
}

export function Priority({ ticket, onChange }: { ticket: TicketView; onChange: (patch: object) => void }) {
  return (
    <>
      <label for="priority">{t("Priority")}</label>
      <select id="priority" value={ticket.priority} onChange={(e) => onChange({ priority: (e.target as HTMLSelectElement).value })}>
        {["low", "normal", "high", "urgent"].map((p) => <option value={p}>{t(p)}</option>)}
      </select>
    </>
  );
}

export function MacroPicker({ ticketId, onPick }: { ticketId: number; onPick: (body: string, macroId: number) => void }) {
  const [macros, setMacros] = useState<Macro[]>([]);
  useEffect(() => {
    api<{ macros: Macro[] }>("GET", "/api/v1/macros").then((r) => setMacros(r.macros)).catch(() => {});
  }, []);
  if (macros.length === 0) return null;
  return (
    <>
      <label for="macro" class="inline-label">{t("Canned reply")}</label>
      <select id="macro" value="" onChange={async (e) => {
        const id = Number((e.target as HTMLSelectElement).value);
        if (!id) return;
        const r = await api<{ body: string }>("POST", `/api/v1/tickets/${ticketId}/macros/${id}/render`);
        onPick(r.body, id);
      }}>
        <option value="">{t("Choose…")}</option>
        {macros.map((m) => <option value={m.id}>{m.name}{m.shared ? "" : " (mine)"}</option>)}
      </select>
    </>
  );
}

// Says every 10 s that this agent is on the ticket (and whether typing), and shows the others.
export function useViewing(ticketId: number, typing: boolean) {
  const [others, setOthers] = useState<Record<number, { name: string; typing: boolean }>>({});
  const typingRef = useRef(typing);
  typingRef.current = typing;
  useEffect(() => {
    const me = currentAgent();
    const say = () => api("POST", `/api/v1/tickets/${ticketId}/viewing`, { typing: typingRef.current }).catch(() => {});
    say();
    const timer = window.setInterval(say, 10000);
    const off = live.on((e) => {
      if (e.type !== "ticket.viewing" || e.data?.ticket_id !== ticketId || e.data?.agent_id === me?.id) return;
      setOthers((o) => {
        const next = { ...o };
        if (e.data.viewing) next[e.data.agent_id] = { name: e.data.agent_name, typing: e.data.typing };
        else delete next[e.data.agent_id];
        return next;
      });
    });
    return () => {
      window.clearInterval(timer);
      off();
      setOthers({});
      api("DELETE", `/api/v1/tickets/${ticketId}/viewing`).catch(() => {});
    };
  }, [ticketId]);
  useEffect(() => {
    api("POST", `/api/v1/tickets/${ticketId}/viewing`, { typing }).catch(() => {});
  }, [typing]);
  return Object.values(others);
}

interface Group { id: number; name: string }

export function GroupPicker({ ticket, onChange }: { ticket: TicketView; onChange: (patch: object) => void }) {
  const [groups, setGroups] = useState<Group[]>([]);
  useEffect(() => {
    api<{ groups: Group[] }>("GET", "/api/v1/groups").then((r) => setGroups(r.groups)).catch(() => {});
  }, []);
  if (groups.length === 0) return null;
  return (
    <>
      <label for="group">{t("Group")}</label>
      <select id="group" value={ticket.group ?? ""} onChange={(e) => {
        const v = (e.target as HTMLSelectElement).value;
        onChange({ group: v === "" ? null : Number(v) });
      }}>
        <option value="">{t("No group")}</option>
        {groups.map((g) => <option value={g.id}>{g.name}</option>)}
      </select>
    </>
  );
}

// Tags as a comma-separated list, saved when the field is left or Enter is pressed.
export function Tags({ ticket, onChange }: { ticket: TicketView; onChange: (patch: object) => void }) {
  const [text, setText] = useState(ticket.tags.join(", "));
  useEffect(() => setText(ticket.tags.join(", ")), [ticket.tags.join(",")]);
  const save = () => {
    const tags = [...new Set(text.split(",").map((x) => x.trim()).filter(Boolean))];
    if (tags.join(",") !== ticket.tags.join(",")) onChange({ tags });
  };
  return (
    <>
      <label for="tags">{t("Tags")}</label>
      <input id="tags" value={text} size={18} onInput={(e) => setText((e.target as HTMLInputElement).value)}
             onBlur={save} onKeyDown={(e) => { if (e.key === "Enter") { e.preventDefault(); save(); } }} />
    </>
  );
}

// Merges this ticket into another: its messages move there and it closes.
export function Merge({ ticketId, onMerged }: { ticketId: number; onMerged: (into: number) => void }) {
  const [into, setInto] = useState("");
  const [error, setError] = useState("");
  return (
    <form class="merge" onSubmit={async (e) => {
      e.preventDefault();
      const target = Number(into);
      if (!target) return;
      try {
        await api("POST", `/api/v1/tickets/${ticketId}/merge`, { into: target });
        onMerged(target);
      } catch (err) {
        setError((err as Error).message);
      }
    }}>
      <label for="merge-into">{t("Merge into ticket")}</label>
      <input id="merge-into" inputMode="numeric" size={6} value={into} onInput={(e) => setInto((e.target as HTMLInputElement).value)} />
      <button type="submit" class="secondary">{t("Merge")}</button>
      {error && <span class="error" role="alert">{error}</span>}
    </form>
  );
}
