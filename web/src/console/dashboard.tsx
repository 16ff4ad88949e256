// The supervisors' dashboard: live queue statistics pushed as stats.updated (never polled),
// the same figures /api/v1/stats/queues and the reports compute, and satisfaction by channel.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "./api";
import { ago, duration } from "./format";
import { DailyChart, DayRow, HourlyChart } from "./chart";
import { live } from "./live";
import { t } from "./i18n";

interface QueueStats {
  open_total: number;
  unassigned: number;
  oldest_waiting_at?: string | null;
  by_status?: Record<string, number>;
  statuses?: Record<string, number>;
  by_channel?: Record<string, number>;
  sla?: { at_risk: number; breached: number };
  agents?: { online: number; away?: number };
  today?: { received: number; solved: number; first_reply_p50_seconds: number | null;
            resolution_p50_seconds: number | null; sla_attainment: number | null; reopens?: number };
}
interface AgentLoad { id: number; name: string; email: string; active: boolean; presence?: string; open_tickets?: number }
interface SatisfactionRow { key: string; kind: string; sent: number; responses: number; response_rate: number | null;
                            csat: number | null; nps: number | null; ces: number | null }

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

export function Dashboard() {
  const [stats, setStats] = useState<QueueStats | null>(null);
  const [satisfaction, setSatisfaction] = useState<SatisfactionRow[]>([]);
  const [byAgent, setByAgent] = useState<(SatisfactionRow & { label?: string })[]>([]);
  const [days, setDays] = useState<DayRow[]>([]);
  const [agents, setAgents] = useState<AgentLoad[]>([]);
  const [hours, setHours] = useState<DayRow[]>([]);
  const hoursTimer = useRef<number | undefined>(undefined);
  const loadHours = () =>
    api<{ rows: DayRow[] }>("GET", `/api/v1/reports/service?by=hour&from=${today()}&to=${today()}`)
      .then((r) => setHours(r.rows)).catch(() => {});
  const [error, setError] = useState("");
  useEffect(() => {
    const from = new Date(Date.now() - 29 * 86400000).toISOString().slice(0, 10);
    const load = () => {
      api<QueueStats>("GET", "/api/v1/stats/queues").then(setStats).catch((e) =>
        setError(e instanceof ApiError && e.status === 403 ? t("The dashboard is for supervisors.") : (e as Error).message));
      api<{ rows: SatisfactionRow[] }>("GET", `/api/v1/stats/satisfaction?by=channel&from=${from}&to=${today()}`)
        .then((r) => setSatisfaction(r.rows)).catch(() => {});
      api<{ rows: SatisfactionRow[] }>("GET", `/api/v1/stats/satisfaction?by=agent&from=${from}&to=${today()}`)
        .then((r) => setByAgent(r.rows)).catch(() => {});
      api<{ rows: DayRow[] }>("GET", `/api/v1/reports/service?by=day&from=${from}&to=${today()}`)
        .then((r) => setDays(r.rows)).catch(() => {});
      loadHours();
      api<{ agents: AgentLoad[] }>("GET", "/api/v1/agents").then((r) => setAgents(r.agents.filter((a) => a.active))).catch(() => {});
    };
    load();
    return live.on((e) => {
      if (e.type === "stats.updated" && e.data) {
        const next = e.data as QueueStats;
        // Today's received or solved moved: the hours follow, read again at most every 5 s.
        setStats((before) => {
          if (before?.today?.received !== next.today?.received || before?.today?.solved !== next.today?.solved) {
            window.clearTimeout(hoursTimer.current);
            hoursTimer.current = window.setTimeout(loadHours, 5000);
          }
          return next;
        });
      }
      else if (e.type === "resync" || e.type === "live.connected") load();
      else if (e.type === "agent.presence")
        setAgents((list) => list.map((a) => (a.id === e.data?.agent_id ? { ...a, presence: e.data.status } : a)));
    });
  }, []);
  if (error) return <main><p class="error" role="alert">{error}</p></main>;
  if (!stats) return <main><p>{t("Loading…")}</p></main>;
  const day = stats.today;
  const pct = (x: number | null | undefined) => (x === null || x === undefined ? "—" : `${Math.round(x * 100)}%`);
  return (
    <main class="dashboard">
      <h1>{t("Dashboard")}</h1>
      <dl class="tiles">
        <div><dt>{t("Open tickets")}</dt><dd id="open-total">{stats.open_total}</dd></div>
        <div><dt>{t("Unassigned")}</dt><dd>{stats.unassigned}</dd></div>
        <div><dt>{t("Oldest waiting")}</dt><dd>{stats.oldest_waiting_at ? ago(stats.oldest_waiting_at) : "—"}</dd></div>
        <div><dt>{t("SLA at risk")}</dt><dd>{stats.sla?.at_risk ?? 0}</dd></div>
        <div><dt>{t("SLA breached")}</dt><dd>{stats.sla?.breached ?? 0}</dd></div>
        <div><dt>{t("Agents online")}</dt><dd>{stats.agents?.online ?? 0}</dd></div>
      </dl>
      {day && (
        <>
          <h2>{t("Today")}</h2>
          <dl class="tiles">
            <div><dt>{t("Received")}</dt><dd>{day.received}</dd></div>
            <div><dt>{t("Solved")}</dt><dd>{day.solved}</dd></div>
            <div><dt>{t("First reply (median)")}</dt><dd>{duration(day.first_reply_p50_seconds)}</dd></div>
            <div><dt>{t("Resolution (median)")}</dt><dd>{duration(day.resolution_p50_seconds)}</dd></div>
            <div><dt>{t("SLA attainment")}</dt><dd>{pct(day.sla_attainment)}</dd></div>
          </dl>
        </>
      )}
      <h2>{t("Received and solved today, by hour (UTC)")}</h2>
      <HourlyChart rows={hours} />
      <h2>{t("Received and solved, last 30 days")}</h2>
      <DailyChart rows={days} from={new Date(Date.now() - 29 * 86400000).toISOString().slice(0, 10)} to={today()} />
      <h2>{t("Agents")}</h2>
      <table>
        <thead><tr><th scope="col">{t("Agent")}</th><th scope="col">{t("Presence")}</th><th scope="col">{t("Open tickets")}</th></tr></thead>
        <tbody>
          {agents.map((a) => (
            <tr><th scope="row">{a.name || a.email}</th><td class={`presence ${a.presence ?? "offline"}`}>{a.presence ?? "offline"}</td>
              <td>{a.open_tickets ?? 0}</td></tr>
          ))}
        </tbody>
      </table>
      <h2>{t("Satisfaction, last 30 days")}</h2>
      {satisfaction.length === 0 ? <p class="empty">{t("No surveys sent.")}</p> : (
        <table>
          <thead><tr><th scope="col">{t("Channel")}</th><th scope="col">{t("Kind")}</th><th scope="col">{t("Sent")}</th><th scope="col">{t("Answered")}</th><th scope="col">{t("Score")}</th></tr></thead>
          <tbody>
            {satisfaction.map((r) => (
              <tr><th scope="row">{r.key}</th><td>{r.kind}</td><td>{r.sent}</td><td>{pct(r.response_rate)}</td>
                <td>{r.kind === "csat" ? pct(r.csat) : r.kind === "nps" ? r.nps?.toFixed(0) ?? "—" : r.ces?.toFixed(1) ?? "—"}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      {byAgent.length > 0 && (
        <table>
          <thead><tr><th scope="col">{t("Agent")}</th><th scope="col">{t("Kind")}</th><th scope="col">{t("Sent")}</th><th scope="col">{t("Answered")}</th><th scope="col">{t("Score")}</th></tr></thead>
          <tbody>
            {byAgent.map((r) => (
              <tr><th scope="row">{r.label || (r.key ? `#${r.key}` : "unassigned")}</th><td>{r.kind}</td><td>{r.sent}</td><td>{pct(r.response_rate)}</td>
                <td>{r.kind === "csat" ? pct(r.csat) : r.kind === "nps" ? r.nps?.toFixed(0) ?? "—" : r.ces?.toFixed(1) ?? "—"}</td></tr>
            ))}
          </tbody>
        </table>
      )}
      <h2>{t("Reports")}</h2>
      <p>
        <a href={`/api/v1/reports/service?format=csv&by=day&from=${new Date(Date.now() - 29 * 86400000).toISOString().slice(0, 10)}&to=${today()}`} download>
          Service report, last 30 days by day (CSV)</a>
      </p>
    </main>
  );
}
