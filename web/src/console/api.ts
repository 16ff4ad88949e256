// The agents' REST API from the console: same-origin fetch with the session cookie, JSON in
// and out, errors as ApiError carrying the server's code and message.
export interface Agent {
  id: number;
  email: string;
  name: string;
  role: "agent" | "supervisor" | "admin";
}

export interface SlaMetric {
  state: "active" | "paused" | "fulfilled" | "breached";
  target_seconds: number;
  due_at: string | null;
  elapsed_seconds: number;
}
export interface Sla {
  policy: string;
  metrics: Record<"first_reply" | "next_reply" | "resolution", SlaMetric | null>;
}
export interface Survey {
  id: number;
  kind: string;
  channel: string;
  status: string;
  score: number | null;
  comment: string | null;
  reason: string | null;
}
export interface Ticket {
  id: number;
  subject: string;
  status: string;
  priority: string;
  channel: string;
  channel_name: string;
  customer_id: number;
  assignee: number | null;
  group: number | null;
  tags: string[];
  created_at: string;
  updated_at: string;
  sla: Sla | null;
  survey: Survey | null;
}
export interface Attachment {
  id: number;
  filename: string;
  content_type: string;
  size: number;
}
export interface Message {
  id: number;
  direction: "in" | "out";
  author: "customer" | "agent" | "system";
  internal: boolean;
  body: string;
  html: string | null;
  channel: string;
  created_at: string;
  delivery_status?: string | null;
  delivery_error?: string | null;
  attachments: Attachment[];
}
export interface TicketEvent {
  id: number;
  type: string;
  actor_type: string;
  old_value: string | null;
  new_value: string | null;
  created_at: string;
}
export interface TicketView extends Ticket {
  messages: Message[];
  events: TicketEvent[];
}

export class ApiError extends Error {
  constructor(public status: number, public code: string, message: string) {
    super(message);
  }
}

let onUnauthorized: () => void = () => {};
export function whenSignedOut(f: () => void) {
  onUnauthorized = f;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, credentials: "same-origin", headers: {} };
  if (body !== undefined) {
    init.headers = { "Content-Type": "application/json" };
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const text = await res.text();
  let data: any = null;
  try {
    data = text ? JSON.parse(text) : null;
  } catch {
    data = null;
  }
  if (res.status === 401 && path !== "/api/v1/auth/login") onUnauthorized();
  if (!res.ok) {
    throw new ApiError(res.status, data?.error?.code ?? "error", data?.error?.message ?? res.statusText);
  }
  return data as T;
}
