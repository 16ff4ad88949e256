// Tickets received and solved per day over the last 30 days, and per hour today, from the same
// service report the CSV export and the API compute (uPlot on a canvas).
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface DayRow { key: string; tickets: number; solved: number }

function draw(host: HTMLDivElement, x: number[], received: (number | null)[], solved: (number | null)[], hours: boolean) {
  return new uPlot(
    {
      width: Math.max(320, host.clientWidth),
      height: 220,
      series: [
        {},
        { label: "Received", stroke: "#0b5cad", width: 2 },
        { label: "Solved", stroke: "#1a7f37", width: 2 },
      ],
      scales: hours ? { x: { time: false } } : {},
      axes: [hours ? { values: (_u: uPlot, v: number[]) => v.map((h) => `${h}:00`) } : {}, { label: "tickets" }],
    },
    [x, received, solved],
    host,
  );
}

// Today's UTC hours 0..23 (rows keyed "00".."23"); hours without a row are zero.
export function HourlyChart({ rows }: { rows: DayRow[] }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const byHour = new Map(rows.map((r) => [r.key, r]));
    const hours = [...Array(24).keys()];
    const key = (h: number) => String(h).padStart(2, "0");
    // Hours still to come have no value (a gap), not a zero.
    const now = new Date().getUTCHours();
    const value = (h: number, field: "tickets" | "solved") => (h > now ? null : byHour.get(key(h))?.[field] ?? 0);
    const plot = draw(host.current, hours, hours.map((h) => value(h, "tickets")), hours.map((h) => value(h, "solved")), true);
    return () => plot.destroy();
  }, [rows]);
  return <div ref={host} class="chart" role="img" aria-label="Tickets received and solved per hour today (UTC)" />;
}

// from, to: UTC dates (YYYY-MM-DD); days without a row are zero.
export function DailyChart({ rows, from, to }: { rows: DayRow[]; from: string; to: string }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!host.current) return;
    const byDay = new Map(rows.map((r) => [r.key, r]));
    const days: number[] = [], received: number[] = [], solved: number[] = [];
    for (let t = Date.parse(from + "T00:00:00Z"); t <= Date.parse(to + "T00:00:00Z"); t += 86400000) {
      const key = new Date(t).toISOString().slice(0, 10);
      days.push(t / 1000);
      received.push(byDay.get(key)?.tickets ?? 0);
      solved.push(byDay.get(key)?.solved ?? 0);
    }
    const plot = draw(host.current, days, received, solved, false);
    return () => plot.destroy();
  }, [rows, from, to]);
  return <div ref={host} class="chart" role="img" aria-label="Tickets received and solved per day, last 30 days" />;
}
