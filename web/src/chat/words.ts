// The widget's words in en, it, es and pl, chosen by the embedding page's language.
type Words = typeof en;
const en = {
  open: "Open chat", close: "Close chat", title: "Chat with us",
  unread: (n: number) => `${n} unread`,
  away: "We're away right now. Leave a message and we'll reply by email.",
  hello: "Hi! How can we help?",
  name: "Your name (optional)", email: "Your email (optional: we reply there if you leave)",
  start: "Start", placeholder: "Write a message…", send: "Send",
  sending: "Sending", sent: "Sent", failed: "Not sent: tap to retry",
  offline: "Reconnecting… your messages are kept and sent when the connection is back.",
  typing: (who: string) => `${who || "An agent"} is typing…`, you: "You", agent: "Agent",
  rate: "How did we do?", comment: "Tell us why (optional)", submit: "Send", thanks: "Thank you!",
};
const it: Words = {
  open: "Apri la chat", close: "Chiudi la chat", title: "Scrivici",
  unread: (n) => `${n} non letti`,
  away: "Ora non ci siamo. Lascia un messaggio e ti risponderemo per email.",
  hello: "Ciao! Come possiamo aiutarti?",
  name: "Il tuo nome (facoltativo)", email: "La tua email (facoltativa: ti rispondiamo lì se esci)",
  start: "Inizia", placeholder: "Scrivi un messaggio…", send: "Invia",
  sending: "Invio", sent: "Inviato", failed: "Non inviato: tocca per riprovare",
  offline: "Riconnessione… i tuoi messaggi sono conservati e partiranno appena torna la connessione.",
  typing: (who) => `${who || "Un operatore"} sta scrivendo…`, you: "Tu", agent: "Operatore",
  rate: "Come siamo andati?", comment: "Dicci perché (facoltativo)", submit: "Invia", thanks: "Grazie!",
};
const es: Words = {
  open: "Abrir el chat", close: "Cerrar el chat", title: "Escríbenos",
  unread: (n) => `${n} sin leer`,
  away: "Ahora no estamos. Deja un mensaje y te responderemos por email.",
  hello: "¡Hola! ¿Cómo podemos ayudarte?",
  name: "Tu nombre (opcional)", email: "Tu email (opcional: te respondemos allí si te vas)",
  start: "Empezar", placeholder: "Escribe un mensaje…", send: "Enviar",
  sending: "Enviando", sent: "Enviado", failed: "No enviado: toca para reintentar",
  offline: "Reconectando… tus mensajes se guardan y se envían cuando vuelva la conexión.",
  typing: (who) => `${who || "Un agente"} está escribiendo…`, you: "Tú", agent: "Agente",
  rate: "¿Qué tal lo hicimos?", comment: "Dinos por qué (opcional)", submit: "Enviar", thanks: "¡Gracias!",
};
const pl: Words = {
  open: "Otwórz czat", close: "Zamknij czat", title: "Napisz do nas",
  unread: (n) => `${n} nieprzeczytane`,
  away: "Teraz nas nie ma. Zostaw wiadomość, odpowiemy e-mailem.",
  hello: "Cześć! Jak możemy pomóc?",
  name: "Twoje imię (opcjonalnie)", email: "Twój e-mail (opcjonalnie: tam odpowiemy, jeśli wyjdziesz)",
  start: "Zacznij", placeholder: "Napisz wiadomość…", send: "Wyślij",
  sending: "Wysyłanie", sent: "Wysłano", failed: "Nie wysłano: dotknij, aby ponowić",
  offline: "Łączenie… wiadomości są zachowane i zostaną wysłane po powrocie połączenia.",
  typing: (who) => `${who || "Konsultant"} pisze…`, you: "Ty", agent: "Konsultant",
  rate: "Jak nam poszło?", comment: "Powiedz nam dlaczego (opcjonalnie)", submit: "Wyślij", thanks: "Dziękujemy!",
};
const tables: Record<string, Words> = { en, it, es, pl };

export function words(lang: string): Words {
  return tables[lang] ?? en;
}
export type { Words };
