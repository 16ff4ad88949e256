// /api/v1/live: one WebSocket per console. Resumes after a drop or a sleep with after/epoch,
// so nothing is missed; when the server cannot replay (restart, too far behind) it says
// resync and the pages reload what they show.
export interface LiveEvent {
  type: string;
  seq?: number;
  data?: any;
}
type Listener = (e: LiveEvent) => void;

export class Live {
  private ws: WebSocket | null = null;
  private listeners = new Set<Listener>();
  private seq = 0;
  private epoch = "";
  private retry = 1000;
  private stopped = false;
  private timer: number | undefined;

  start() {
    this.stopped = false;
    this.connect();
    document.addEventListener("visibilitychange", this.wake);
    window.addEventListener("online", this.wake);
  }

  stop() {
    this.stopped = true;
    document.removeEventListener("visibilitychange", this.wake);
    window.removeEventListener("online", this.wake);
    window.clearTimeout(this.timer);
    this.ws?.close();
    this.ws = null;
  }

  on(f: Listener): () => void {
    this.listeners.add(f);
    return () => this.listeners.delete(f);
  }

  private wake = () => {
    if (document.visibilityState === "visible" && !this.ws && !this.stopped) this.connect();
  };

  private connect() {
    window.clearTimeout(this.timer);
    const scheme = location.protocol === "https:" ? "wss" : "ws";
    const resume = this.epoch ? `?after=${this.seq}&epoch=${encodeURIComponent(this.epoch)}` : "";
    const ws = new WebSocket(`${scheme}://${location.host}/api/v1/live${resume}`);
    this.ws = ws;
    ws.onmessage = (m) => {
      let e: LiveEvent;
      try {
        e = JSON.parse(String(m.data));
      } catch {
        return;
      }
      if (e.type === "hello") {
        const fresh = this.epoch !== "" && e.data?.epoch !== this.epoch;
        this.epoch = e.data?.epoch ?? "";
        if (!this.seq || fresh) this.seq = e.data?.seq ?? 0;
        this.retry = 1000;
        if (fresh) this.emit({ type: "resync" });
        // Pages that read figures before the socket was up (presence counts it) read again.
        this.emit({ type: "live.connected" });
        return;
      }
      if (typeof e.seq === "number" && e.seq > this.seq) this.seq = e.seq;
      this.emit(e);
    };
    ws.onclose = () => {
      if (this.ws === ws) this.ws = null;
      if (this.stopped) return;
      this.timer = window.setTimeout(() => this.connect(), this.retry);
      this.retry = Math.min(this.retry * 2, 15000);
    };
  }

  private emit(e: LiveEvent) {
    for (const f of this.listeners) f(e);
  }
}

export const live = new Live();
