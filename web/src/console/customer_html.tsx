// Customer HTML never runs in the console's origin: DOMPurify removes scripts, event handlers
// and javascript: links, and what is left is shown in a sandboxed frame without scripts (the
// page's CSP, which the frame inherits, also blocks remote images and styles).
import DOMPurify from "dompurify";
import { t } from "./i18n";

export function CustomerHtml({ html }: { html: string }) {
  const clean = DOMPurify.sanitize(html, {
    FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select"],
    FORBID_ATTR: ["style"],
  });
  return (
    <iframe class="customer-html" sandbox="" referrerpolicy="no-referrer" title={t("Formatted message")}
            srcdoc={`<!doctype html><meta charset="utf-8"><base target="_blank">${clean}`} />
  );
}
