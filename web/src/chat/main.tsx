// The chat itself, in the frame the loader adds (served by Touchpoint, so the host page's
// scripts and styles cannot reach it, nor it theirs). Tells the loader only "open" or "closed",
// by postMessage to the exact origin of the page that embeds it.
import "./chat.css";
import { render } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { Conversation, type Line, type State } from "./conversation";
import { words } from "./words";

const params = new URLSearchParams(location.search);
const websiteToken = params.get("website_token") ?? "";
const host = params.get("host") ?? "";
const t = words((params.get("lang") ?? "en").slice(0, 2));
document.documentElement.lang = ["en", "it", "es", "pl"].includes(params.get("lang") ?? "") ? params.get("lang")! : "en";

const socketUrl = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/chat/ws?website_token=${encodeURIComponent(websiteToken)}`;
const scales: Record<string, number[]> = {
  csat: [1, 2, 3, 4, 5], ces: [1, 2, 3, 4, 5, 6, 7], nps: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
};

function tellHost(open: boolean) {
  if (host && window.parent !== window) window.parent.postMessage({ tp: "chat", open }, host);
}

function Chat() {
  const conv = useRef<Conversation | null>(null);
  const [state, setState] = useState<State | null>(null);
  const [open, setOpen] = useState(false);
  const [unread, setUnread] = useState(0);
  const [draft, setDraft] = useState("");
  const seen = useRef(0);

  useEffect(() => {
    const c = new Conversation(socketUrl, `tp.chat.${websiteToken}`, (s) => setState(s));
    conv.current = c;
    setState(c.state);
    c.connect();
    addEventListener("message", (e: MessageEvent) => {
      if (e.origin !== host || e.source !== window.parent) return;
      const d = e.data as { tp?: string; open?: boolean };
      if (d?.tp === "chat" && typeof d.open === "boolean") setOpen(d.open);
    });
  }, []);

  useEffect(() => tellHost(open), [open]);

  // Agents' lines that arrived while closed are unread.
  useEffect(() => {
    if (!state) return;
    const latest = state.lines.filter((l) => l.author !== "customer").length;
    if (open) {
      seen.current = latest;
      setUnread(0);
    } else if (seen.current === 0 && latest > 0 && unread === 0 && !conv.current?.known) {
      seen.current = latest;
    } else {
      setUnread(Math.max(0, latest - seen.current));
    }
  }, [state?.lines.length, open]);

  if (!state) return null;
  if (!open)
    return (
      <button class="launcher" type="button" aria-label={unread ? `${t.open} (${t.unread(unread)})` : t.open}
              aria-expanded="false" onClick={() => setOpen(true)}>
        <svg viewBox="0 0 24 24" aria-hidden="true" width="28" height="28">
          <path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z" />
        </svg>
        {unread > 0 && <span class="badge" aria-hidden="true">{unread}</span>}
      </button>
    );
  return (
    <section class="panel" aria-label={t.title} onKeyDown={(e) => e.key === "Escape" && setOpen(false)}>
      <header>
        <h1>{t.title}</h1>
        <button type="button" class="close" aria-label={t.close} aria-expanded="true" onClick={() => setOpen(false)}>×</button>
      </header>
      {state.status !== "online" && state.status !== "connecting" && <p class="notice" role="status">{t.offline}</p>}
      {!state.agentsOnline && <p class="notice">{t.away}</p>}
      <Log state={state} conv={conv.current!} />
      {state.pending.length === 0 && state.lines.length === 0 && <Profile conv={conv.current!} />}
      {state.survey && <SurveyPrompt conv={conv.current!} survey={state.survey} />}
      <p class="typing" aria-live="polite">{state.agentTyping !== null ? t.typing(state.agentTyping) : ""}</p>
      <form class="composer" onSubmit={(e) => {
        e.preventDefault();
        const text = draft.trim();
        if (!text) return;
        conv.current!.send(text);
        conv.current!.typing(false);
        setDraft("");
      }}>
        <label class="sr" for="tp-text">{t.placeholder}</label>
        <textarea id="tp-text" rows={2} placeholder={t.placeholder} value={draft} maxLength={8000} autoFocus
                  onInput={(e) => {
                    const v = (e.target as HTMLTextAreaElement).value;
                    setDraft(v);
                    conv.current!.typing(v.length > 0);
                  }}
                  onKeyDown={(e) => {
                    if (e.key === "Enter" && !e.shiftKey) {
                      e.preventDefault();
                      (e.currentTarget as HTMLTextAreaElement).form?.requestSubmit();
                    }
                  }} />
        <button type="submit">{t.send}</button>
      </form>
    </section>
  );
}

function Log({ state, conv }: { state: State; conv: Conversation }) {
  const end = useRef<HTMLDivElement>(null);
  useEffect(() => end.current?.scrollIntoView({ block: "end" }), [state.lines.length, state.pending.length]);
  return (
    <div class="log" role="log" aria-live="polite">
      {state.lines.length === 0 && <p class="line agent"><span class="text">{t.hello}</span></p>}
      {state.lines.map((l) => <LineView key={l.seq} line={l} />)}
      {state.pending.map((p) => (
        <p class="line customer pending" key={p.client_id}>
          <span class="text">{p.text}</span>
          {p.failed ? (
            <button type="button" class="tick failed" onClick={() => conv.retry(p.client_id)}>{t.failed}</button>
          ) : (
            <span class="tick" aria-label={t.sending}>◷</span>
          )}
        </p>
      ))}
      <div ref={end} />
    </div>
  );
}

function LineView({ line }: { line: Line }) {
  const who = line.author === "customer" ? t.you : line.agent_name || t.agent;
  return (
    <p class={`line ${line.author}`}>
      {line.author === "agent" && <span class="who">{who}</span>}
      <span class="text">{line.text}</span>
      {line.author === "customer" && <span class="tick" aria-label={t.sent}>✓</span>}
    </p>
  );
}

function Profile({ conv }: { conv: Conversation }) {
  const [name, setName] = useState(conv.profile.name);
  const [email, setEmail] = useState(conv.profile.email);
  const [saved, setSaved] = useState(false);
  if (saved) return null;
  return (
    <form class="profile" onSubmit={(e) => {
      e.preventDefault();
      conv.setProfile(name, email);
      setSaved(true);
    }}>
      <label>{t.name}<input value={name} autoComplete="name" maxLength={200} onInput={(e) => setName((e.target as HTMLInputElement).value)} /></label>
      <label>{t.email}<input type="email" value={email} autoComplete="email" maxLength={254} onInput={(e) => setEmail((e.target as HTMLInputElement).value)} /></label>
      <button type="submit">{t.start}</button>
    </form>
  );
}

function SurveyPrompt({ conv, survey }: { conv: Conversation; survey: NonNullable<State["survey"]> }) {
  const [score, setScore] = useState<number | null>(null);
  const [comment, setComment] = useState("");
  if (survey.answered) return <p class="survey" role="status">{t.thanks}</p>;
  return (
    <form class="survey" onSubmit={(e) => {
      e.preventDefault();
      if (score !== null) conv.answerSurvey(survey.id, score, comment);
    }}>
      <fieldset>
        <legend>{t.rate}</legend>
        {(scales[survey.kind] ?? scales.csat).map((n) => (
          <button type="button" key={n} aria-pressed={score === n} onClick={() => setScore(n)}>{n}</button>
        ))}
      </fieldset>
      {score !== null && (
        <>
          <label>{t.comment}<textarea rows={2} value={comment} maxLength={5000} onInput={(e) => setComment((e.target as HTMLTextAreaElement).value)} /></label>
          <button type="submit">{t.submit}</button>
        </>
      )}
    </form>
  );
}

render(<Chat />, document.getElementById("chat")!);
