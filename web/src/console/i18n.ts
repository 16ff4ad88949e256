// The console's words in en, it, es and pl. English is the key; a missing translation shows
// English. The language is the agent's choice (kept in this browser), else the browser's.
type Table = Record<string, string>;

const it: Table = {
  "The customer is typing…": "Il cliente sta scrivendo…",
  "Group": "Gruppo",
  "No group": "Nessun gruppo",
  "Tags": "Etichette",
  "Merge into ticket": "Unisci al ticket",
  "Merge": "Unisci",
  "← Queue": "← Coda",
  "Health": "Salute",
  "characters": "caratteri",
  "open": "aperti",
  "of": "di",
  "Customer #": "Cliente n.",
  "new": "nuovo",
  "pending": "in attesa",
  "on hold": "sospeso",
  "solved": "risolto",
  "closed": "chiuso",
  "open ": "aperto",
  "low": "bassa",
  "normal": "normale",
  "high": "alta",
  "urgent": "urgente",
  "Unassigned ": "Non assegnato",
  "Agent": "Agente", "Agents": "Agenti", "Agents online": "Agenti online", "Answered": "Risposte",
  "Assignee": "Assegnatario", "Away": "Assente", "Back to the queue": "Torna alla coda",
  "Canned reply": "Risposta pronta", "Channel": "Canale", "Channels": "Canali", "Choose…": "Scegli…",
  "Close": "Chiudi", "Contact": "Contatto", "Customer": "Cliente", "Dashboard": "Cruscotto",
  "Email": "Email", "First reply (median)": "Prima risposta (mediana)", "Formatted message": "Messaggio formattato",
  "Internal note": "Nota interna", "Journey": "Percorso", "Keyboard shortcuts": "Scorciatoie da tastiera",
  "Kind": "Tipo", "Language": "Lingua", "Loading…": "Caricamento…", "Mine": "Miei", "No surveys sent.": "Nessun sondaggio inviato.",
  "Note added.": "Nota aggiunta.", "Nothing here.": "Niente qui.", "Oldest waiting": "In attesa da più tempo",
  "Open": "Aperti", "Open tickets": "Ticket aperti", "Password": "Password", "Presence": "Presenza",
  "Priority": "Priorità", "Queue": "Coda", "Received": "Ricevuti", "Release": "Rilascia", "Reopens": "Riaperture",
  "Reply": "Risposta", "Reply queued.": "Risposta in coda.", "Reports": "Report", "Resolution (median)": "Risoluzione (mediana)",
  "SLA at risk": "SLA a rischio", "SLA attainment": "SLA rispettati", "SLA breached": "SLA violato",
  "SLA breaches": "Violazioni SLA", "Score": "Punteggio", "Send": "Invia", "Sent": "Inviati",
  "Show formatted": "Mostra formattato", "Show text": "Mostra testo", "Sign in": "Accedi", "Sign out": "Esci",
  "Solved": "Risolti", "Status": "Stato", "Survey answered": "Sondaggio risposto", "Survey sent": "Sondaggio inviato",
  "Surveys answered": "Sondaggi risposti", "Switched channel": "Cambio di canale", "Take it": "Prendilo",
  "Tickets": "Ticket", "Today": "Oggi", "Unassigned": "Non assegnati", "What they said": "Cosa hanno detto",
  "Wrong email or password.": "Email o password errata.", "The dashboard is for supervisors.": "Il cruscotto è per i supervisori.",
  "Received and solved, last 30 days": "Ricevuti e risolti, ultimi 30 giorni",
  "Satisfaction, last 30 days": "Soddisfazione, ultimi 30 giorni", "Status change": "Stato",
  "SLA missed": "SLA mancato", "Unassigned ticket": "Non assegnato",
};

const es: Table = {
  "The customer is typing…": "El cliente está escribiendo…",
  "Group": "Grupo",
  "No group": "Sin grupo",
  "Tags": "Etiquetas",
  "Merge into ticket": "Fusionar con el ticket",
  "Merge": "Fusionar",
  "← Queue": "← Cola",
  "Health": "Salud",
  "characters": "caracteres",
  "open": "abiertos",
  "of": "de",
  "Customer #": "Cliente n.º ",
  "new": "nuevo",
  "pending": "pendiente",
  "on hold": "en espera",
  "solved": "resuelto",
  "closed": "cerrado",
  "open ": "abierto",
  "low": "baja",
  "normal": "normal",
  "high": "alta",
  "urgent": "urgente",
  "Unassigned ": "Sin asignar",
  "Agent": "Agente", "Agents": "Agentes", "Agents online": "Agentes en línea", "Answered": "Respondidas",
  "Assignee": "Asignado a", "Away": "Ausente", "Back to the queue": "Volver a la cola",
  "Canned reply": "Respuesta predefinida", "Channel": "Canal", "Channels": "Canales", "Choose…": "Elegir…",
  "Close": "Cerrar", "Contact": "Contacto", "Customer": "Cliente", "Dashboard": "Panel",
  "Email": "Correo", "First reply (median)": "Primera respuesta (mediana)", "Formatted message": "Mensaje con formato",
  "Internal note": "Nota interna", "Journey": "Recorrido", "Keyboard shortcuts": "Atajos de teclado",
  "Kind": "Tipo", "Language": "Idioma", "Loading…": "Cargando…", "Mine": "Míos", "No surveys sent.": "No se enviaron encuestas.",
  "Note added.": "Nota añadida.", "Nothing here.": "Nada por aquí.", "Oldest waiting": "Espera más antigua",
  "Open": "Abiertos", "Open tickets": "Tickets abiertos", "Password": "Contraseña", "Presence": "Presencia",
  "Priority": "Prioridad", "Queue": "Cola", "Received": "Recibidos", "Release": "Liberar", "Reopens": "Reaperturas",
  "Reply": "Respuesta", "Reply queued.": "Respuesta en cola.", "Reports": "Informes", "Resolution (median)": "Resolución (mediana)",
  "SLA at risk": "SLA en riesgo", "SLA attainment": "Cumplimiento de SLA", "SLA breached": "SLA incumplido",
  "SLA breaches": "Incumplimientos de SLA", "Score": "Puntuación", "Send": "Enviar", "Sent": "Enviadas",
  "Show formatted": "Ver con formato", "Show text": "Ver texto", "Sign in": "Iniciar sesión", "Sign out": "Cerrar sesión",
  "Solved": "Resueltos", "Status": "Estado", "Survey answered": "Encuesta respondida", "Survey sent": "Encuesta enviada",
  "Surveys answered": "Encuestas respondidas", "Switched channel": "Cambio de canal", "Take it": "Tomarlo",
  "Tickets": "Tickets", "Today": "Hoy", "Unassigned": "Sin asignar", "What they said": "Lo que dijeron",
  "Wrong email or password.": "Correo o contraseña incorrectos.", "The dashboard is for supervisors.": "El panel es para supervisores.",
  "Received and solved, last 30 days": "Recibidos y resueltos, últimos 30 días",
  "Satisfaction, last 30 days": "Satisfacción, últimos 30 días", "SLA missed": "SLA incumplido",
};

const pl: Table = {
  "The customer is typing…": "Klient pisze…",
  "Group": "Grupa",
  "No group": "Bez grupy",
  "Tags": "Tagi",
  "Merge into ticket": "Scal ze zgłoszeniem",
  "Merge": "Scal",
  "← Queue": "← Kolejka",
  "Health": "Kondycja",
  "characters": "znaków",
  "open": "otwarte",
  "of": "z",
  "Customer #": "Klient nr ",
  "new": "nowe",
  "pending": "oczekujące",
  "on hold": "wstrzymane",
  "solved": "rozwiązane",
  "closed": "zamknięte",
  "open ": "otwarte",
  "low": "niski",
  "normal": "normalny",
  "high": "wysoki",
  "urgent": "pilny",
  "Unassigned ": "Nieprzypisany",
  "Agent": "Agent", "Agents": "Agenci", "Agents online": "Agenci online", "Answered": "Odpowiedzi",
  "Assignee": "Przypisany", "Away": "Nieobecny", "Back to the queue": "Wróć do kolejki",
  "Canned reply": "Gotowa odpowiedź", "Channel": "Kanał", "Channels": "Kanały", "Choose…": "Wybierz…",
  "Close": "Zamknij", "Contact": "Kontakt", "Customer": "Klient", "Dashboard": "Pulpit",
  "Email": "E-mail", "First reply (median)": "Pierwsza odpowiedź (mediana)", "Formatted message": "Sformatowana wiadomość",
  "Internal note": "Notatka wewnętrzna", "Journey": "Ścieżka", "Keyboard shortcuts": "Skróty klawiszowe",
  "Kind": "Rodzaj", "Language": "Język", "Loading…": "Ładowanie…", "Mine": "Moje", "No surveys sent.": "Nie wysłano ankiet.",
  "Note added.": "Dodano notatkę.", "Nothing here.": "Nic tu nie ma.", "Oldest waiting": "Najdłużej czeka",
  "Open": "Otwarte", "Open tickets": "Otwarte zgłoszenia", "Password": "Hasło", "Presence": "Obecność",
  "Priority": "Priorytet", "Queue": "Kolejka", "Received": "Otrzymane", "Release": "Zwolnij", "Reopens": "Ponowne otwarcia",
  "Reply": "Odpowiedź", "Reply queued.": "Odpowiedź w kolejce.", "Reports": "Raporty", "Resolution (median)": "Rozwiązanie (mediana)",
  "SLA at risk": "SLA zagrożone", "SLA attainment": "Dotrzymanie SLA", "SLA breached": "SLA naruszone",
  "SLA breaches": "Naruszenia SLA", "Score": "Ocena", "Send": "Wyślij", "Sent": "Wysłane",
  "Show formatted": "Pokaż sformatowane", "Show text": "Pokaż tekst", "Sign in": "Zaloguj", "Sign out": "Wyloguj",
  "Solved": "Rozwiązane", "Status": "Status", "Survey answered": "Ankieta wypełniona", "Survey sent": "Ankieta wysłana",
  "Surveys answered": "Wypełnione ankiety", "Switched channel": "Zmiana kanału", "Take it": "Biorę",
  "Tickets": "Zgłoszenia", "Today": "Dziś", "Unassigned": "Nieprzypisane", "What they said": "Co powiedzieli",
  "Wrong email or password.": "Błędny e-mail lub hasło.", "The dashboard is for supervisors.": "Pulpit jest dla kierowników.",
  "Received and solved, last 30 days": "Otrzymane i rozwiązane, ostatnie 30 dni",
  "Satisfaction, last 30 days": "Zadowolenie, ostatnie 30 dni", "SLA missed": "SLA niedotrzymane",
};

const tables: Record<string, Table> = { it, es, pl };
export const languages: [string, string][] = [["en", "English"], ["it", "Italiano"], ["es", "Español"], ["pl", "Polski"]];

function initial(): string {
  const saved = localStorage.getItem("touchpoint.language");
  if (saved && languages.some(([c]) => c === saved)) return saved;
  const browser = (navigator.language || "en").slice(0, 2).toLowerCase();
  return languages.some(([c]) => c === browser) ? browser : "en";
}

let current = initial();
document.documentElement.lang = current;

export function language(): string {
  return current;
}
export function setLanguage(code: string) {
  current = code;
  localStorage.setItem("touchpoint.language", code);
  document.documentElement.lang = code;
}
export function t(english: string): string {
  return tables[current]?.[english] ?? english;
}
