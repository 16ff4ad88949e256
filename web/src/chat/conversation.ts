// The visitor's side of /chat/ws (the contract's "Web chat" frames): one connection, kept
// alive across drops with backoff. Nothing is lost or doubled:
// - a message is pending (kept in this frame's storage, surviving reloads) until its ack, and
//   is sent again with the same client_id after every reconnect; the server answers a known
//   client_id with the first ack and stores nothing new;
// - lines are kept by seq; a reconnect asks for everything after the highest seq below which
//   nothing is missing, so a line that arrived out of order is never skipped.
export type Line = {
  seq: number;
  message_id: number;
  author: "customer" | "agent" | "system";
  agent_name?: string;
  text: string;
  created_at: string;
  client_id?: string;
  survey?: { id: number; kind: string };
};
export type Pending = { client_id: string; text: string; failed?: boolean };
export type Survey = { id: number; kind: string; question: string; answered?: boolean };
export type State = {
  status: "connecting" | "online" | "offline";
  lines: Line[];
  pending: Pending[];
  agentTyping: string | null;  // the agent's name ("" when unnamed) while typing
  agentsOnline: boolean;
  survey: Survey | null;
  error: string | null;
};

type Saved = { visitor_token?: string; name?: string; email?: string; pending?: Pending[] };

function randomId(): string {
  const b = new Uint8Array(16);
  crypto.getRandomValues(b);
  return Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
}

export class Conversation {
  state: State = { status: "connecting", lines: [], pending: [], agentTyping: null, agentsOnline: true, survey: null, error: null };
  private ws: WebSocket | null = null;
  private bySeq = new Map<number, Line>();
  private saved: Saved;
  private retries = 0;
  private typingTimer = 0;
  private retryTimer = 0;

  constructor(private url: string, private storageKey: string, private onChange: (s: State) => void) {
    this.saved = this.load();
    this.state.pending = this.saved.pending ?? [];
  }

  get profile() {
    return { name: this.saved.name ?? "", email: this.saved.email ?? "" };
  }
  get known() {
    return !!this.saved.visitor_token;
  }

  connect() {
    clearTimeout(this.retryTimer);
    const ws = new WebSocket(this.url);
    this.ws = ws;
    this.set({ status: this.state.status === "online" ? "connecting" : this.state.status });
    ws.onopen = () => {
      this.retries = 0;
      // The browser's language: the satisfaction survey then asks in it when it can.
      this.frame({ type: "hello", visitor_token: this.saved.visitor_token ?? null, after: this.contiguous(),
                   name: this.saved.name || undefined, email: this.saved.email || undefined,
                   language: navigator.language || undefined });
    };
    ws.onmessage = (e) => {
      try {
        this.handle(JSON.parse(String(e.data)));
      } catch {
        /* a frame we cannot read changes nothing */
      }
    };
    ws.onclose = () => {
      if (this.ws !== ws) return;
      this.ws = null;
      this.set({ status: "offline", agentTyping: null });
      // 1 s, 2 s, 4 s ... 30 s, with jitter so a restarted server is not hit all at once.
      const delay = Math.min(30000, 1000 * 2 ** this.retries++) * (0.5 + Math.random() / 2);
      this.retryTimer = window.setTimeout(() => this.connect(), delay);
    };
  }

  // Name and email go in hello: reconnect so the server has them before the next message.
  setProfile(name: string, email: string) {
    this.saved.name = name.trim() || undefined;
    this.saved.email = email.trim() || undefined;
    this.save();
    this.ws?.close();
  }

  send(text: string) {
    const p: Pending = { client_id: randomId(), text };
    this.set({ pending: [...this.state.pending, p] });
    this.save();
    this.frame({ type: "message", client_id: p.client_id, text });
  }

  retry(clientId: string) {
    const p = this.state.pending.find((x) => x.client_id === clientId);
    if (!p) return;
    this.set({ pending: this.state.pending.map((x) => (x === p ? { ...x, failed: false } : x)) });
    this.frame({ type: "message", client_id: p.client_id, text: p.text });
  }

  typing(on: boolean) {
    this.frame({ type: "typing", on });
  }

  answerSurvey(id: number, score: number, comment: string) {
    this.frame({ type: "survey_answer", id, score, comment: comment || undefined });
  }

  // The highest seq with every line up to it here.
  private contiguous(): number {
    let n = 0;
    while (this.bySeq.has(n + 1)) n++;
    return n;
  }

  private frame(f: object) {
    if (this.ws && this.ws.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify(f));
  }

  private handle(f: any) {
    switch (f.type) {
      case "welcome":
        if (this.saved.visitor_token && f.visitor_token !== this.saved.visitor_token) this.forgetLines();
        if (f.seq < this.contiguous()) this.forgetLines();  // not a conversation the server knows
        this.saved.visitor_token = f.visitor_token;
        this.save();
        this.set({ status: "online", agentsOnline: f.agents_online !== false, error: null });
        for (const p of this.state.pending) this.frame({ type: "message", client_id: p.client_id, text: p.text });
        return;
      case "message":
        // An agent who has just written is here, whatever the welcome said.
        if (f.author === "agent" && Date.now() - Date.parse(f.created_at) < 120_000) this.set({ agentsOnline: true });
        return this.addLine(f as Line);
      case "ack": {
        const p = this.state.pending.find((x) => x.client_id === f.client_id);
        if (p && !this.bySeq.has(f.seq))
          this.addLine({ seq: f.seq, message_id: f.message_id, author: "customer", text: p.text,
                         created_at: new Date().toISOString(), client_id: p.client_id });
        this.set({ pending: this.state.pending.filter((x) => x.client_id !== f.client_id) });
        this.save();
        return;
      }
      case "typing":
        clearTimeout(this.typingTimer);
        this.set(f.on ? { agentTyping: f.agent_name ?? "", agentsOnline: true } : { agentTyping: null });
        if (f.on) this.typingTimer = window.setTimeout(() => this.set({ agentTyping: null }), 8000);
        return;
      case "survey":
        if (this.state.survey?.id !== f.id) this.set({ survey: { id: f.id, kind: f.kind, question: f.question } });
        return;
      case "survey_answered":
        if (this.state.survey) this.set({ survey: { ...this.state.survey, answered: true } });
        return;
      case "error":
        if (f.client_id) {
          // Not stored: try again later (the same client_id; the server dedups).
          const again = f.code === "rate_limited" || f.code === "unavailable";
          this.set({ pending: this.state.pending.map((x) => (x.client_id === f.client_id ? { ...x, failed: !again } : x)) });
          if (again) window.setTimeout(() => this.retry(f.client_id), 2000);
          return;
        }
        this.set({ error: String(f.message ?? f.code) });
        return;
    }
  }

  private addLine(l: Line) {
    if (this.bySeq.has(l.seq)) return;
    this.bySeq.set(l.seq, l);
    const lines = [...this.bySeq.values()].sort((a, b) => a.seq - b.seq);
    const patch: Partial<State> = { lines };
    if (l.author === "agent") patch.agentTyping = null;
    // A survey's question seen in the replay: offer it unless the visitor answered after it.
    if (l.survey && !this.state.survey) patch.survey = { id: l.survey.id, kind: l.survey.kind, question: l.text };
    if (l.author === "customer" && this.state.survey && l.seq > (this.surveySeq() ?? Infinity))
      patch.survey = { ...this.state.survey, answered: true };
    this.set(patch);
  }

  private surveySeq(): number | undefined {
    const id = this.state.survey?.id;
    for (const l of this.bySeq.values()) if (l.survey?.id === id) return l.seq;
    return undefined;
  }

  private forgetLines() {
    this.bySeq.clear();
    this.set({ lines: [], survey: null });
  }

  private set(patch: Partial<State>) {
    this.state = { ...this.state, ...patch };
    this.onChange(this.state);
  }

  private load(): Saved {
    try {
      return JSON.parse(localStorage.getItem(this.storageKey) ?? "{}") as Saved;
    } catch {
      return {};
    }
  }

  private save() {
    this.saved.pending = this.state.pending.map(({ client_id, text }) => ({ client_id, text }));
    try {
      localStorage.setItem(this.storageKey, JSON.stringify(this.saved));
    } catch {
      /* storage refused (private mode): the chat still works for this page's life */
    }
  }
}
