/** Bots never drive orchestrator: `type: Bot`, or a login ending in `[bot]` (GitHub Apps, this one included). */
export function isBot(user: { login: string; type?: string } | null | undefined): boolean {
  return !user || user.type === "Bot" || user.login.endsWith("[bot]");
}
