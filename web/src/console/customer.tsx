// The customer beside every ticket: who they are on each channel, and their experience record
// (journey across channels, service lived, feedback, health).
import { useEffect, useState } from "preact/hooks";
import { api } from "./api";
import { duration, when } from "./format";
import { t } from "./i18n";

interface Experience {
  customer: { id: number; name: string; identities: { id: number; type: string; address: string }[];
              language: string | null };
  channels: { type: string; contacts: number; last_at: string }[];
  service: { tickets: number; open_tickets: number; reopens: number; first_reply_p50_seconds: number | null;
             resolution_p50_seconds: number | null; sla_breaches: number; repeat_contacts_7d: number };
  feedback: { surveys_sent: number; responses: number; csat: number | null; last_nps: number | null;
              nps_category: string | null; comments: { at: string; kind: string; score: number; text: string; ticket_id: number }[] };
  health: { score: number; trend: string; factors: { name: string; effect: number }[] };
  journey: { id: number; at: string; type: string; channel: string; ticket_id: number; summary: string }[];
}

const journeyLabels: Record<string, string> = {
  contact: "Contact", channel_switch: "Switched channel", reply: "Reply", status_change: "Status",
  sla_breach: "SLA missed", survey_sent: "Survey sent", survey_answered: "Survey answered",
};

export function CustomerPanel({ customerId, version }: { customerId: number; version: number }) {
  const [x, setX] = useState<Experience | null>(null);
  const [error, setError] = useState("");
  useEffect(() => {
    const load = () =>
      api<Experience>("GET", `/api/v1/customers/${customerId}/experience?limit=15`)
        .then((r) => { setX(r); setError(""); })
        .catch((e) => setError((e as Error).message));
    load();
  }, [customerId, version]);
  if (error) return <aside class="customer"><p class="error">{error}</p></aside>;
  if (!x) return <aside class="customer"><p>{t("Loading…")}</p></aside>;
  const s = x.service, f = x.feedback, h = x.health;
  return (
    <aside class="customer" aria-label="Customer">
      <h2>{x.customer.name || `${t("Customer #")}${x.customer.id}`}</h2>
      <ul class="identities">
        {x.customer.identities.map((i) => <li key={i.id}><span class="channel">{i.type}</span> {i.address}</li>)}
      </ul>
      <p class={`health ${h.score >= 70 ? "good" : h.score >= 40 ? "fair" : "poor"}`}
         title={h.factors.map((f) => `${f.name} ${f.effect > 0 ? "+" : ""}${f.effect}`).join(", ")}>
        {t("Health")} {h.score} <span class="trend">{h.trend === "up" ? "↑" : h.trend === "down" ? "↓" : "→"}</span>
      </p>
      <dl class="figures">
        <dt>{t("Tickets")}</dt><dd>{s.tickets} ({s.open_tickets} {t("open")})</dd>
        <dt>{t("First reply (median)")}</dt><dd>{duration(s.first_reply_p50_seconds)}</dd>
        <dt>{t("Resolution (median)")}</dt><dd>{duration(s.resolution_p50_seconds)}</dd>
        <dt>{t("Reopens")}</dt><dd>{s.reopens}</dd>
        <dt>{t("SLA breaches")}</dt><dd>{s.sla_breaches}</dd>
        <dt>{t("Surveys answered")}</dt><dd>{f.responses} {t("of")} {f.surveys_sent}{f.csat !== null && ` · CSAT ${Math.round(f.csat * 100)}%`}{f.last_nps !== null && ` · NPS ${f.last_nps} (${f.nps_category})`}</dd>
        <dt>{t("Channels")}</dt><dd>{x.channels.map((c) => `${c.type} ${c.contacts}`).join(", ") || "—"}</dd>
        {x.customer.language && <><dt>{t("Language")}</dt><dd lang={x.customer.language}>{x.customer.language}</dd></>}
      </dl>
      {f.comments.length > 0 && (
        <>
          <h3>{t("What they said")}</h3>
          <ul class="comments">{f.comments.slice(0, 3).map((c) => <li><q>{c.text}</q> <span class="score">{c.score}</span></li>)}</ul>
        </>
      )}
      <h3>{t("Journey")}</h3>
      <ol class="journey">
        {x.journey.map((j) => (
          <li key={`${j.id}-${j.type}`} class={`j-${j.type}`}>
            <time dateTime={j.at}>{when(j.at)}</time> <strong>{t(journeyLabels[j.type] ?? j.type)}</strong>{" "}
            <span class="channel">{j.channel}</span> <span class="summary">{j.summary}</span>
          </li>
        ))}
      </ol>
    </aside>
  );
}
