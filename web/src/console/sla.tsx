// An SLA clock at a glance: breached, or the next due time of a running target.
import { Sla } from "./api";

const names = { first_reply: "first reply", next_reply: "next reply", resolution: "resolution" } as const;

export function SlaBadge({ sla }: { sla: Sla | null }) {
  if (!sla) return null;
  let next: { name: string; due: number } | null = null;
  for (const key of Object.keys(names) as (keyof typeof names)[]) {
    const m = sla.metrics[key];
    if (!m) continue;
    if (m.state === "breached") return <span class="sla breached">SLA breached: {names[key]}</span>;
    if (m.state === "active" && m.due_at) {
      const due = Date.parse(m.due_at);
      if (!next || due < next.due) next = { name: names[key], due };
    }
  }
  if (!next) return null;
  const minutes = Math.round((next.due - Date.now()) / 60000);
  const soon = minutes <= 15;
  return (
    <span class={`sla ${soon ? "at_risk" : "ok"}`} title={new Date(next.due).toLocaleString()}>
      {next.name} due {minutes <= 0 ? "now" : minutes < 120 ? `in ${minutes}m` : `in ${Math.round(minutes / 60)}h`}
    </span>
  );
}
