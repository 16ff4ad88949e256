// The loader a website embeds:
//   <script src="{public_url}/chat/widget.js" data-website-token="wt_..." async></script>
// It adds one iframe (the chat, served by Touchpoint and isolated from the page) and one
// namespace, window.TouchpointChat; it writes nothing to the page's storage or cookies and
// listens only to messages from that frame. The page needs no CSP exception beyond loading
// this script and the frame.
(() => {
  const script = document.currentScript as HTMLScriptElement | null;
  const token = script?.dataset.websiteToken;
  const w = window as unknown as { TouchpointChat?: { open(): void; close(): void } };
  if (!script || !token || w.TouchpointChat) return;
  const base = new URL(script.src).origin;
  const lang = (document.documentElement.lang || navigator.language || "en").slice(0, 2).toLowerCase();
  const frame = document.createElement("iframe");
  frame.src = `${base}/chat/frame?website_token=${encodeURIComponent(token)}&lang=${encodeURIComponent(lang)}` +
    `&host=${encodeURIComponent(location.origin)}`;
  frame.title = "Chat";
  frame.setAttribute("sandbox", "allow-scripts allow-same-origin allow-forms allow-popups");
  // Styles through the CSSOM: a page whose CSP forbids inline styles still shows the chat.
  const size = (open: boolean) => {
    const s = frame.style;
    for (const [k, v] of Object.entries({
      position: "fixed", right: "0", bottom: "0", border: "0", "z-index": "2147483000",
      background: "transparent", "color-scheme": "normal",
      width: open ? "min(400px, 100vw)" : "96px", height: open ? "min(640px, 100vh)" : "96px",
    })) s.setProperty(k, v);
  };
  size(false);
  addEventListener("message", (e: MessageEvent) => {
    if (e.origin !== base || e.source !== frame.contentWindow) return;
    const d = e.data as { tp?: string; open?: boolean };
    if (d && d.tp === "chat" && typeof d.open === "boolean") size(d.open);
  });
  const tell = (open: boolean) => frame.contentWindow?.postMessage({ tp: "chat", open }, base);
  w.TouchpointChat = { open: () => tell(true), close: () => tell(false) };
  const add = () => document.body.appendChild(frame);
  if (document.body) add();
  else addEventListener("DOMContentLoaded", add);
})();
