// Customer HTML never runs in the console's origin: DOMPurify removes scripts, event handlers
// and javascript: links, and what is left is shown in a sandboxed frame without scripts (the
// page's CSP, which the frame inherits, blocks remote styles and everything but images).
// Remote images are left out until the agent asks for them: loading one tells the sender the
// message was read, and from where.
import DOMPurify from "dompurify";
import { useState } from "preact/hooks";
import { t } from "./i18n";

const remote = /^\s*(?:https?:)?\/\//i;
const urlAttributes = new Set(["src", "srcset", "background", "poster", "href", "xlink:href", "action", "formaction"]);
let allowImages = false;  // read by the hook during one sanitize() call
let blocked = 0;
DOMPurify.addHook("uponSanitizeAttribute", (node, data) => {
  if (!urlAttributes.has(data.attrName)) return;
  if (data.attrName === "href" && node.nodeName === "A") return;  // links stay (the frame opens none)
  const value = data.attrValue;
  if (!remote.test(value) && !(data.attrName === "srcset" && value.includes("//"))) return;
  const image = node.nodeName === "IMG" && (data.attrName === "src" || data.attrName === "srcset");
  if (allowImages && image) return;
  data.keepAttr = false;
  if (image) blocked++;
});

export function CustomerHtml({ html }: { html: string }) {
  const [load, setLoad] = useState(false);
  allowImages = load;
  blocked = 0;
  const clean = DOMPurify.sanitize(html, {
    FORBID_TAGS: ["style", "form", "input", "button", "textarea", "select"],
    FORBID_ATTR: ["style"],
  });
  const hidden = blocked;
  allowImages = false;
  return (
    <>
      {hidden > 0 && (
        <p class="remote-images">
          {hidden} {t("remote images not loaded (loading them tells the sender you read this).")}{" "}
          <button type="button" onClick={() => setLoad(true)}>{t("Load images")}</button>
        </p>
      )}
      <iframe class="customer-html" sandbox="" referrerpolicy="no-referrer" title={t("Formatted message")}
              srcdoc={`<!doctype html><meta charset="utf-8"><base target="_blank">${clean}`} />
    </>
  );
}
