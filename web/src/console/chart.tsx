// Tickets received and solved per day over the last 30 days, from the same service report the
// CSV export and the API compute (uPlot on a canvas).
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";

export interface DayRow { key: string; tickets: number; solved: number }

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
    const plot = new uPlot(
      {
        width: Math.max(320, host.current.clientWidth),
        height: 220,
        series: [
          {},
          { label: "Received", stroke: "#0b5cad", width: 2 },
          { label: "Solved", stroke: "#1a7f37", width: 2 },
        ],
        axes: [{}, { label: "tickets" }],
      },
      [days, received, solved],
      host.current,
    );
    return () => plot.destroy();
  }, [rows, from, to]);
  return <div ref={host} class="chart" role="img" aria-label="Tickets received and solved per day, last 30 days" />;
}
