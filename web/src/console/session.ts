// The signed-in agent, for the pages that need to know who they are.
import { Agent } from "./api";

let current: Agent | null = null;
export function setCurrentAgent(a: Agent | null) {
  current = a;
}
export function currentAgent(): Agent | null {
  return current;
}
